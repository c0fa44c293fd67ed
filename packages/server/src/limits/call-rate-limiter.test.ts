import { describe, expect, it } from 'vitest';
import type { RateLimitRequest, RateLimitVerdict } from '../ports/rate-limiter.js';
import { memoryBuckets } from './bucket-stores.js';
import { CallRateLimiter, type CallLimits } from './call-rate-limiter.js';

const alice: RateLimitRequest = { principalId: 'alice', toolName: 'shop__get_order', pluginName: 'shop' };
const aliceOtherTool: RateLimitRequest = { ...alice, toolName: 'shop__list_orders' };
const bob: RateLimitRequest = { principalId: 'bob', toolName: 'shop__get_order', pluginName: 'shop' };
const bobOtherPlugin: RateLimitRequest = { principalId: 'bob', toolName: 'crm__find', pluginName: 'crm' };

function limiter(limits: CallLimits, now = () => Date.parse('2026-03-01T12:00:00Z')): CallRateLimiter {
  return new CallRateLimiter(limits, memoryBuckets(), { now });
}

async function allowedOf(l: CallRateLimiter, request: RateLimitRequest, times: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < times; i++) out.push((await l.consume(request)).allowed);
  return out;
}

function refusal(verdict: RateLimitVerdict): { limit: string; retryAfterMs: number } {
  if (verdict.allowed) throw new Error('expected a refusal');
  return { limit: verdict.limit, retryAfterMs: verdict.retryAfterMs };
}

describe('CallRateLimiter (memory store)', () => {
  it('with no limits configured, lets every call through', async () => {
    expect(await allowedOf(limiter({}), alice, 5)).toEqual([true, true, true, true, true]);
  });

  it('per principal: one caller exhausting its bucket does not stop another', async () => {
    const l = limiter({ perPrincipal: 2 });
    expect(await allowedOf(l, alice, 3)).toEqual([true, true, false]);
    expect(refusal(await l.consume(aliceOtherTool))).toMatchObject({ limit: 'principal' });
    expect(await allowedOf(l, bob, 1)).toEqual([true]);
  });

  it('per principal × tool: the same caller may still call another tool', async () => {
    const l = limiter({ perPrincipalTool: 1 });
    expect(await allowedOf(l, alice, 2)).toEqual([true, false]);
    expect(refusal(await l.consume(alice))).toMatchObject({ limit: 'principal_tool' });
    expect(await allowedOf(l, aliceOtherTool, 1)).toEqual([true]);
  });

  it('per plugin: shared by all callers of the plugin, not by other plugins', async () => {
    const l = limiter({ perPlugin: 2 });
    expect(await allowedOf(l, alice, 1)).toEqual([true]);
    expect(await allowedOf(l, bob, 2)).toEqual([true, false]);
    expect(refusal(await l.consume(bob))).toMatchObject({ limit: 'plugin' });
    expect(await allowedOf(l, bobOtherPlugin, 1)).toEqual([true]);
  });

  it('global: shared by everyone', async () => {
    const l = limiter({ global: 2 });
    expect(await allowedOf(l, alice, 1)).toEqual([true]);
    expect(await allowedOf(l, bobOtherPlugin, 2)).toEqual([true, false]);
    const { limit, retryAfterMs } = refusal(await l.consume(alice));
    expect(limit).toBe('global');
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('reports the tightest remaining count', async () => {
    const verdict = await limiter({ global: 100, perPrincipal: 5 }).consume(alice);
    expect(verdict).toEqual({ allowed: true, remaining: 4 });
  });

  it('does not burn points of a bucket when a later one refuses', async () => {
    // The plugin bucket refuses fifteen of Alice's calls to shop; each took a point of her own bucket and gave it back.
    const l = limiter({ perPrincipal: 8, perPlugin: 5 });
    expect(await allowedOf(l, alice, 20)).toEqual([...Array<boolean>(5).fill(true), ...Array<boolean>(15).fill(false)]);
    expect(refusal(await l.consume(alice))).toMatchObject({ limit: 'plugin' });
    // Her own bucket holds 8 - 5 = 3 calls, which she may spend on another plugin.
    const aliceOnCrm = { ...bobOtherPlugin, principalId: 'alice' };
    expect(await allowedOf(l, aliceOnCrm, 3)).toEqual([true, true, true]);
    expect(refusal(await l.consume(aliceOnCrm))).toMatchObject({ limit: 'principal' });
  });

  it('a refused daily quota gives back the per-minute points it took', async () => {
    const l = limiter({ perPrincipal: 5, dailyPerPrincipalTool: 1 });
    expect(await allowedOf(l, alice, 4)).toEqual([true, false, false, false]);
    // Only admitted calls count against Alice's per-minute bucket: four more calls, one per fresh tool, fit in it.
    const tools = ['t2', 't3', 't4', 't5', 't6'].map((toolName) => ({ ...alice, toolName }));
    const verdicts = [];
    for (const request of tools) verdicts.push(await l.consume(request));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, true, false]);
    expect(refusal(verdicts[4] ?? { allowed: true, remaining: 0 })).toMatchObject({ limit: 'principal' });
  });

  it('exactness under concurrency: 200 concurrent calls against a 50-point bucket admit exactly 50', async () => {
    const l = limiter({ perPrincipal: 60, perPlugin: 50 });
    const verdicts = await Promise.all(Array.from({ length: 200 }, () => l.consume(alice)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(50);
    // While they race, refused calls briefly hold points of Alice's own bucket, so some are refused by it (the
    // documented cost of consume-and-refund); once settled, every refusal has given its points back: 60 - 50 - 1.
    expect(await l.consume({ ...bobOtherPlugin, principalId: 'alice' })).toEqual({ allowed: true, remaining: 9 });
  });

  it('daily quota: refused until UTC midnight on the injected clock, then open again', async () => {
    let now = Date.parse('2026-03-01T23:59:00Z');
    const l = limiter({ dailyPerPrincipal: 2 }, () => now);
    expect(await allowedOf(l, alice, 2)).toEqual([true, true]);
    expect(refusal(await l.consume(aliceOtherTool))).toEqual({ limit: 'daily_quota', retryAfterMs: 60_000 });
    expect(await allowedOf(l, bob, 1)).toEqual([true]);
    now = Date.parse('2026-03-02T00:00:01Z');
    expect(await allowedOf(l, alice, 3)).toEqual([true, true, false]);
  });
});
