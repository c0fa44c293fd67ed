import { LRUCache } from 'lru-cache';
import type { Clock } from '../../ports/clock.js';
import type { UpstreamResult } from '../../ports/tool-executor.js';

/** One stored result and what it belongs to. */
export interface CacheEntry {
  readonly result: UpstreamResult;
  readonly storedAt: number;
  readonly toolName: string;
  readonly definitionHash: string;
}

/** A stored result with its age at the time it was read. */
export interface AgedResult {
  readonly result: UpstreamResult;
  readonly ageMs: number;
}

/**
 * Results in memory, bounded by entry count and by the bytes of the bodies (least recently used go
 * first). An entry is kept for its TTL plus its stale-if-error window, on the injected clock: fresh
 * within the TTL, after that only for the fallback.
 */
export class ResponseCache {
  private readonly lru: LRUCache<string, CacheEntry>;

  constructor(
    limits: { readonly maxEntries: number; readonly maxBytes: number },
    private readonly clock: Clock,
  ) {
    this.lru = new LRUCache<string, CacheEntry>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      // lru-cache wants a positive size; an empty body still takes an entry.
      sizeCalculation: (entry) => Math.max(1, entry.result.bytes),
      perf: { now: () => clock.now() },
      // lru-cache would otherwise reuse one reading of the clock for a while; a test clock jumps.
      ttlResolution: 0,
    });
  }

  /** Keeps `result` for `ttlMs + staleMs`; a body larger than the whole cache is not kept. */
  put(key: string, entry: Omit<CacheEntry, 'storedAt'>, keepMs: number): void {
    this.lru.set(key, { ...entry, storedAt: this.clock.now() }, { ttl: keepMs });
  }

  /** The entry if it is younger than `maxAgeMs` (and still kept). */
  read(key: string, maxAgeMs: number): AgedResult | undefined {
    const entry = this.lru.get(key);
    if (entry === undefined) return undefined;
    const ageMs = Math.max(0, this.clock.now() - entry.storedAt);
    return ageMs < maxAgeMs ? { result: entry.result, ageMs } : undefined;
  }

  /** Drops every entry `stale` says belongs to a tool that changed or is gone. */
  evictWhere(stale: (entry: CacheEntry) => boolean): number {
    const doomed: string[] = [];
    this.lru.forEach((entry, key) => {
      if (stale(entry)) doomed.push(key);
    });
    for (const key of doomed) this.lru.delete(key);
    return doomed.length;
  }

  get entries(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }
}
