import type { UpstreamResult } from '../ports/tool-executor.js';

/** The audit's note on where a result came from when not (only) from the upstream just now: cache or fallback. */
export function servedFromNote(upstream: UpstreamResult): string | undefined {
  const { fallback, cache } = upstream;
  if (fallback?.kind === 'stale') return `(fallback: stale cached result, ${fallback.ageSeconds} s old, after ${fallback.cause})`;
  if (fallback?.kind === 'message') return `(fallback: configured message after ${fallback.cause})`;
  if (cache?.status === 'hit') return `(cache hit, ${Math.round(cache.ageMs / 1000)} s old)`;
  if (cache?.status === 'shared') return '(shared the answer of an identical call in flight)';
  if (cache?.status === 'miss') return '(cache miss)';
  return undefined;
}
