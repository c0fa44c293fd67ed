import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { RateLimitRequest } from '../ports/rate-limiter.js';
import { createCallRateLimiter } from './create-call-rate-limiter.js';

const REDIS_URL = process.env['TOOLGATE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const alice: RateLimitRequest = { principalId: 'alice', toolName: 'shop__get_order', pluginName: 'shop' };
const clock = { now: () => Date.now() };

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const reachable = await redisReachable();
// DESIGN §7: skip on a machine without Redis, but a missing Redis must fail CI.
if (!reachable && process.env['CI'] === undefined) {
  console.warn(`skipping Redis limiter tests: no Redis at ${REDIS_URL} (start one: docker run -p 6379:6379 redis:7)`);
}

describe('Redis is required in CI', () => {
  it.runIf(!reachable && process.env['CI'] !== undefined)(`reaches Redis at ${REDIS_URL}`, () => {
    expect.fail(`no Redis at ${REDIS_URL}, and CI is set: the Redis limiter tests must run`);
  });
});

describe.runIf(reachable)('CallRateLimiter on Redis', () => {
  // A prefix of our own per run, so parallel runs and leftovers never share keys; removed afterwards.
  const keyPrefix = `toolgate-test:${randomUUID()}:`;
  const opened: { close(): Promise<void> }[] = [];
  const open = (limits: Parameters<typeof createCallRateLimiter>[0]) => {
    const made = createCallRateLimiter(limits, { store: 'redis', redisUrl: REDIS_URL, redisKeyPrefix: keyPrefix }, clock, () => undefined);
    opened.push(made);
    return made.limiter;
  };

  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it('exactness under concurrency: 200 concurrent calls against a 50-point bucket admit exactly 50', async () => {
    const limiter = open({ perPrincipal: 60, perPlugin: 50 });
    // The first consume waits for the connection; a store that is not ready yet refuses (fail closed).
    await waitUntilReady(limiter, { ...alice, principalId: 'warm-up', pluginName: 'warm-up' });
    const verdicts = await Promise.all(Array.from({ length: 200 }, () => limiter.consume(alice)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(50);
    expect(verdicts.filter((v) => !v.allowed && v.limit === 'store_unavailable')).toHaveLength(0);
    // Every refusal gave its points back to Alice's own bucket: 60 - 50 - this call remain.
    expect(await limiter.consume({ ...alice, pluginName: 'crm' })).toEqual({ allowed: true, remaining: 9 });
  });

  it('is shared by every gateway node (two limiters on one Redis count together)', async () => {
    const nodeA = open({ perPrincipal: 3 });
    const nodeB = open({ perPrincipal: 3 });
    const bob = { ...alice, principalId: 'bob' };
    await waitUntilReady(nodeA, { ...bob, principalId: 'warm-up-a' });
    await waitUntilReady(nodeB, { ...bob, principalId: 'warm-up-b' });
    const allowed = [];
    for (const node of [nodeA, nodeB, nodeA, nodeB]) allowed.push((await node.consume(bob)).allowed);
    expect(allowed).toEqual([true, true, true, false]);
  });
});

describe('CallRateLimiter on an unreachable Redis', () => {
  it('refuses the call (fail closed) instead of letting it through unchecked', async () => {
    // Port 1 on loopback: nothing listens, so the connection never becomes ready.
    const made = createCallRateLimiter({ perPrincipal: 10 }, { store: 'redis', redisUrl: 'redis://127.0.0.1:1' }, clock, () => undefined);
    try {
      const verdict = await made.limiter.consume(alice);
      expect(verdict).toMatchObject({ allowed: false, limit: 'store_unavailable' });
    } finally {
      await made.close();
    }
  });
});

async function waitUntilReady(limiter: ReturnType<typeof createCallRateLimiter>['limiter'], request: RateLimitRequest): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const verdict = await limiter.consume(request);
    if (verdict.allowed || verdict.limit !== 'store_unavailable') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('Redis did not become ready');
}
