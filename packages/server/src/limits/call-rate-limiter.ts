import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from '../ports/clock.js';
import type { LimitName, RateLimiter, RateLimitRequest, RateLimitVerdict } from '../ports/rate-limiter.js';

/** Calls per minute for each rate bucket (absent: no such bucket) and calls per UTC day for the quotas. */
export interface CallLimits {
  readonly global?: number;
  readonly perPlugin?: number;
  readonly perPrincipal?: number;
  readonly perPrincipalTool?: number;
  readonly dailyPerPrincipal?: number;
  readonly dailyPerPrincipalTool?: number;
}

/** Makes one bucket family in a store (memory or Redis); `name` keeps families' keys apart. */
export type BucketFactory = (name: string, points: number, durationSeconds: number) => RateLimiterAbstract;

interface Bucket {
  readonly limit: LimitName;
  readonly limiter: RateLimiterAbstract;
  readonly key: (request: RateLimitRequest, day: string) => string;
}

const DAY_MS = 86_400_000;
/** A quota key carries its date, so it only has to outlive its own day; two days covers any clock skew between nodes. */
const QUOTA_KEY_TTL_SECONDS = 2 * 86_400;
/** How soon a caller refused because the store is down may try again. */
const STORE_RETRY_MS = 1000;

const principalTool = (r: RateLimitRequest): string => `${r.principalId}|${r.toolName}`;

/**
 * Counts a call in every configured bucket, or in none. Buckets are consumed one after another, each consume
 * atomic in its store, and when one refuses, the points taken (its own included) are given back with `reward()`.
 * Check-then-consume (`get()` then `consume()`) was rejected: two concurrent calls can both pass the check and
 * overshoot the limit, and exactness under concurrency is the point of a limit. Consume-and-refund never lets
 * more calls through than a bucket allows; its cost is that a refused call holds a point for a moment, so a
 * racing call may be refused spuriously — erring on the refusing side.
 *
 * Order: narrowest first (principal × tool, principal, plugin, global), so a caller flooding the gateway is
 * stopped by its own bucket before it touches shared ones even transiently; daily quotas last, so a call a
 * per-minute bucket refuses never holds a point of the scarce daily budget.
 *
 * The per-minute windows run on the store's time (rate-limiter-flexible reads `Date.now`, Redis its own);
 * daily quotas are keyed by the UTC date of the injected clock, so they reset at UTC midnight on that clock.
 */
export class CallRateLimiter implements RateLimiter {
  private readonly buckets: readonly Bucket[];

  constructor(
    limits: CallLimits,
    makeBucket: BucketFactory,
    private readonly clock: Clock,
  ) {
    const buckets: Bucket[] = [];
    const add = (limit: LimitName, name: string, points: number | undefined, seconds: number, key: Bucket['key']): void => {
      if (points !== undefined) buckets.push({ limit, limiter: makeBucket(name, points, seconds), key });
    };
    add('principal_tool', 'principal_tool', limits.perPrincipalTool, 60, principalTool);
    add('principal', 'principal', limits.perPrincipal, 60, (r) => r.principalId);
    add('plugin', 'plugin', limits.perPlugin, 60, (r) => r.pluginName);
    add('global', 'global', limits.global, 60, () => 'all');
    add(
      'daily_quota',
      'quota_principal_tool',
      limits.dailyPerPrincipalTool,
      QUOTA_KEY_TTL_SECONDS,
      (r, day) => `${principalTool(r)}|${day}`,
    );
    add('daily_quota', 'quota_principal', limits.dailyPerPrincipal, QUOTA_KEY_TTL_SECONDS, (r, day) => `${r.principalId}|${day}`);
    this.buckets = buckets;
  }

  async consume(request: RateLimitRequest): Promise<RateLimitVerdict> {
    const now = this.clock.now();
    const day = new Date(now).toISOString().slice(0, 10);
    const taken: { bucket: Bucket; key: string }[] = [];
    let remaining = Number.POSITIVE_INFINITY;
    for (const bucket of this.buckets) {
      const key = bucket.key(request, day);
      try {
        const res = await bucket.limiter.consume(key);
        taken.push({ bucket, key });
        remaining = Math.min(remaining, res.remainingPoints);
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the bucket is empty, and an Error when the store fails.
        if (rejection instanceof RateLimiterRes) {
          // A refused consume still counted its point (the store increments, then compares), so it is given back too:
          // otherwise a bucket only transiently full, during a race, would stay full for the rest of its window.
          await refund([...taken, { bucket, key }]);
          const retryAfterMs = bucket.limit === 'daily_quota' ? nextUtcMidnight(now) - now : rejection.msBeforeNext;
          return { allowed: false, limit: bucket.limit, retryAfterMs };
        }
        await refund(taken);
        const reason = rejection instanceof Error ? `${rejection.name}: ${rejection.message}` : String(rejection);
        return { allowed: false, limit: 'store_unavailable', retryAfterMs: STORE_RETRY_MS, reason: `limit store failed: ${reason}` };
      }
    }
    return { allowed: true, remaining: Number.isFinite(remaining) ? remaining : Number.MAX_SAFE_INTEGER };
  }
}

/** Gives back the points of a refused call. Best effort: if the store fails now, the points stay taken (fail closed). */
async function refund(taken: readonly { bucket: Bucket; key: string }[]): Promise<void> {
  await Promise.allSettled(taken.map(({ bucket, key }) => bucket.limiter.reward(key, 1)));
}

function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}
