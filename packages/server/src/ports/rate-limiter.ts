/** Which limit a call is checked against; the stage names the one that refused it. */
export type LimitName = 'global' | 'plugin' | 'principal' | 'principal_tool' | 'daily_quota';

/** What the limiter needs to know of a call to pick its buckets. */
export interface RateLimitRequest {
  readonly principalId: string;
  readonly toolName: string;
  readonly pluginName: string;
}

export type RateLimitVerdict =
  | {
      readonly allowed: true;
      /** Calls left in the tightest bucket the call was counted in. */
      readonly remaining: number;
    }
  | {
      readonly allowed: false;
      readonly limit: LimitName;
      /** Milliseconds until the refusing bucket has a point again. */
      readonly retryAfterMs: number;
    }
  | {
      /** The limit store (Redis) could not be asked: the call is refused, never let through unchecked. */
      readonly allowed: false;
      readonly limit: 'store_unavailable';
      readonly retryAfterMs: number;
      /** Audit-only explanation; never shown to callers. */
      readonly reason: string;
    };

export interface RateLimiter {
  /** Counts the call in every configured bucket, or in none of them when one refuses. */
  consume(request: RateLimitRequest): Promise<RateLimitVerdict>;
}
