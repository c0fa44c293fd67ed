import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { BucketFactory } from './call-rate-limiter.js';

/** Buckets in this process's memory: exact for one node; each node of a scale-out would count on its own. */
export function memoryBuckets(): BucketFactory {
  return (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration });
}

/**
 * Buckets in Redis, shared by every gateway node. Fail closed: `rejectIfRedisNotReady` makes a consume fail at once
 * while the connection is down (instead of queueing until it returns), and there is deliberately no
 * `insuranceLimiter` — a per-node memory fallback would let every node allow the full limit, multiplying it by the
 * node count exactly when an operator is busy with an outage. The limiter turns the failure into a refusal.
 */
export function redisBuckets(client: Redis, keyPrefix = 'toolgate:rl:'): BucketFactory {
  return (name, points, duration) =>
    new RateLimiterRedis({ storeClient: client, keyPrefix: `${keyPrefix}${name}`, points, duration, rejectIfRedisNotReady: true });
}
