import type { Clock } from '../../ports/clock.js';
import type { ExecutionRequest, ToolExecutor, UpstreamResult } from '../../ports/tool-executor.js';
import type { StaleResults } from '../resilience/fallback-executor.js';
import { cacheKey } from './cache-key.js';
import { cacheRuleFor, type ActiveCacheRule, type CacheSettings } from './cache-settings.js';
import { ResponseCache, type AgedResult } from './response-cache.js';

/** What the cache holds and has done since start (for metrics). */
export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
  /** Expired results served because the plugin failed. */
  readonly stale: number;
  /** Calls that shared an identical call already in flight instead of going upstream. */
  readonly coalesced: number;
}

/**
 * Caches results of read-tier tools that have a TTL configured, per tool definition, arguments and caller
 * (or shared, for tools configured `public`). Identical calls made while one is in flight share it, so a
 * burst of reads for a cold key sends one request upstream; its failure reaches every waiter and is not
 * stored. Only clean answers are stored: no error status, no tool-reported error, nothing cut.
 */
export class CachingExecutor implements ToolExecutor, StaleResults {
  private readonly store: ResponseCache;
  private readonly inFlight = new Map<string, Promise<UpstreamResult>>();
  private readonly counts = { hits: 0, misses: 0, stale: 0, coalesced: 0 };

  constructor(
    private readonly inner: ToolExecutor,
    private readonly settings: CacheSettings,
    clock: Clock,
  ) {
    this.store = new ResponseCache(settings, clock);
  }

  async execute(req: ExecutionRequest): Promise<UpstreamResult> {
    const rule = cacheRuleFor(this.settings, req.tool);
    const key = rule !== undefined ? cacheKey(req, rule) : undefined;
    if (rule === undefined || key === undefined) return this.inner.execute(req);

    const fresh = this.store.read(key, rule.ttlMs);
    if (fresh !== undefined) {
      this.counts.hits += 1;
      return { ...fresh.result, cache: { status: 'hit', ageMs: fresh.ageMs } };
    }
    const running = this.inFlight.get(key);
    if (running !== undefined) {
      this.counts.coalesced += 1;
      // The waiter made no upstream call of its own, so it does not report the leader's attempts.
      const { attempts: _attempts, ...shared } = await running;
      return { ...shared, cache: { status: 'shared', ageMs: 0 } };
    }
    this.counts.misses += 1;
    const call = this.fetchAndStore(req, key, rule).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return { ...(await call), cache: { status: 'miss', ageMs: 0 } };
  }

  staleFor(req: ExecutionRequest): AgedResult | undefined {
    const rule = cacheRuleFor(this.settings, req.tool);
    const key = rule !== undefined ? cacheKey(req, rule) : undefined;
    if (rule === undefined || key === undefined) return undefined;
    const kept = this.store.read(key, rule.ttlMs + rule.staleMs + 1);
    if (kept !== undefined) this.counts.stale += 1;
    return kept;
  }

  /** Drops results of tools whose definition changed or that are gone (a changed tool would miss anyway; this frees the memory). */
  forgetChangedTools(isCurrent: (toolName: string, definitionHash: string) => boolean): void {
    this.store.evictWhere((entry) => !isCurrent(entry.toolName, entry.definitionHash));
  }

  stats(): CacheStats {
    return { entries: this.store.entries, bytes: this.store.bytes, ...this.counts };
  }

  private async fetchAndStore(req: ExecutionRequest, key: string, rule: ActiveCacheRule): Promise<UpstreamResult> {
    const result = await this.inner.execute(req);
    if (isCacheable(result)) {
      const { attempts: _attempts, ...kept } = result;
      this.store.put(key, { result: kept, toolName: req.tool.name, definitionHash: req.tool.definitionHash }, rule.ttlMs + rule.staleMs);
    }
    return result;
  }
}

/** Errors of any kind are never stored: an error status, a tool-reported error, or a body cut to the size limit. */
function isCacheable(result: UpstreamResult): boolean {
  return result.status < 400 && result.toolError !== true && result.truncated !== true && result.fallback === undefined;
}
