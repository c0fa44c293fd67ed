import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter, RateLimitVerdict } from '../ports/rate-limiter.js';

export interface RateLimitSettings {
  /** Calls allowed per window. */
  readonly points: number;
  readonly durationSeconds: number;
}

/** Token bucket per key in process memory (a Redis store replaces it in the scale-out mode). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(settings: RateLimitSettings) {
    this.limiter = new RateLimiterMemory({ points: settings.points, duration: settings.durationSeconds });
  }

  async consume(key: string): Promise<RateLimitVerdict> {
    try {
      const res = await this.limiter.consume(key);
      return { allowed: true, remaining: res.remainingPoints, retryAfterMs: 0 };
    } catch (rejection) {
      // rate-limiter-flexible rejects with a RateLimiterRes when the limit is hit, and an Error on store failure.
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, remaining: 0, retryAfterMs: rejection.msBeforeNext };
      }
      throw rejection;
    }
  }
}
