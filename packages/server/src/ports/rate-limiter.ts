export interface RateLimitVerdict {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Milliseconds until a point is free again (when not allowed). */
  readonly retryAfterMs: number;
}

export interface RateLimiter {
  consume(key: string): Promise<RateLimitVerdict>;
}
