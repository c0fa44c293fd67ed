import { Redis } from 'ioredis';
import type { Clock } from '../ports/clock.js';
import { memoryBuckets, redisBuckets } from './bucket-stores.js';
import { CallRateLimiter, type CallLimits } from './call-rate-limiter.js';

export interface LimitStoreSettings {
  readonly store: 'memory' | 'redis';
  readonly redisUrl: string;
  /** Prefix of every Redis key (tests use one per run). */
  readonly redisKeyPrefix?: string;
}

/** The call limiter on the configured store, and how to let go of the store on shutdown. */
export function createCallRateLimiter(
  limits: CallLimits,
  settings: LimitStoreSettings,
  clock: Clock,
  onStoreError: (err: Error) => void,
): { limiter: CallRateLimiter; close(): Promise<void> } {
  if (settings.store === 'memory') return { limiter: new CallRateLimiter(limits, memoryBuckets(), clock), close: async () => {} };
  // No offline queue: while Redis is away a call is refused at once rather than waiting for the reconnect.
  const client = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // ioredis reports connection trouble as events; it keeps reconnecting on its own.
  client.on('error', onStoreError);
  return {
    limiter: new CallRateLimiter(limits, redisBuckets(client, settings.redisKeyPrefix), clock),
    close: async () => {
      client.disconnect();
    },
  };
}
