import type { StatsSource } from './stats-source.js';

type CacheStat = 'entries' | 'bytes' | 'hits' | 'misses' | 'stale' | 'coalesced';

/** `toolgate_response_cache_*`: the response cache's size and running totals, read at scrape time. */
export function responseCacheStats(read: () => Readonly<Record<CacheStat, number>>): StatsSource<CacheStat> {
  return {
    prefix: 'toolgate_response_cache',
    stats: {
      entries: { kind: 'gauge', help: 'Results held in the response cache (fresh and stale).' },
      bytes: { kind: 'gauge', help: 'Body bytes held in the response cache.' },
      hits: { kind: 'counter', help: 'Calls answered from a fresh cached result (calls that joined one in flight count as coalesced).' },
      misses: { kind: 'counter', help: 'Cacheable calls that went upstream.' },
      stale: { kind: 'counter', help: 'Expired results served as a fallback because the plugin failed.' },
      coalesced: { kind: 'counter', help: 'Calls that shared an identical call already in flight instead of going upstream.' },
    },
    read: () => [{ values: read() }],
  };
}
