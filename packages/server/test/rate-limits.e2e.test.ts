import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../src/connectors/fixtures/loopback-server.js';
import { startMisbehavingUpstream, type MisbehavingUpstream } from './support/misbehaving-upstream.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Rate buckets and daily quotas as callers meet them on REST and MCP. */
describe('rate limits and daily quotas', () => {
  let t: TestGateway;
  let upstream: MisbehavingUpstream;
  // One minute before UTC midnight on the gateway's clock; the per-minute buckets run on real time.
  let now = Date.parse('2026-03-01T23:59:00Z');

  beforeAll(async () => {
    upstream = await startMisbehavingUpstream();
    t = await startTestGateway(
      { TOOLGATE_LIMITS__RATE__PER_PRINCIPAL_TOOL: '2', TOOLGATE_LIMITS__QUOTA__DAILY_PER_PRINCIPAL: '3' },
      { clock: { now: () => now } },
    );
    const res = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'flaky', spec: JSON.stringify(upstream.spec), allowPrivateNetwork: true },
    });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: 'plugin:flaky' } });
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const invoke = (tool: string, key: string) => t.api('POST', `/v1/tools/${tool}/invoke`, { key, body: { arguments: {} } });

  it('REST: an exhausted principal × tool bucket → 429 RATE_LIMITED with Retry-After, naming the limit', async () => {
    const caller = await createCaller(t, 'rest-rate', ['agents']);
    expect((await invoke('flaky__echo', caller.key)).status).toBe(200);
    expect((await invoke('flaky__echo', caller.key)).status).toBe(200);
    const res = await invoke('flaky__echo', caller.key);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body.error.details).toEqual({ limit: 'principal_tool', retryAfterSeconds: retryAfter });
    const [event] = await auditFor(t, 'flaky__echo');
    expect(event).toMatchObject({ errorCode: 'RATE_LIMITED', decision: 'deny' });
  });

  it('REST: the daily quota → 429 QUOTA_EXCEEDED until UTC midnight; refused calls do not use it up', async () => {
    const caller = await createCaller(t, 'rest-quota', ['agents']);
    expect((await invoke('flaky__echo', caller.key)).status).toBe(200);
    expect((await invoke('flaky__echo', caller.key)).status).toBe(200);
    // Refused by the per-minute bucket: must not count against the day's three calls.
    expect((await invoke('flaky__echo', caller.key)).body.error.code).toBe('RATE_LIMITED');
    expect((await invoke('flaky__big', caller.key)).status).toBe(200);
    const res = await invoke('flaky__big', caller.key);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.body.error.details).toEqual({ limit: 'daily_quota', retryAfterSeconds: 60 });

    now = Date.parse('2026-03-02T00:00:01Z');
    expect((await invoke('flaky__big', caller.key)).status).toBe(200);
  });

  it('MCP: a refused call is an isError result carrying the code, the limit and the retry time', async () => {
    const caller = await createCaller(t, 'mcp-rate', ['agents']);
    const client = new Client({ name: 'rate-limits-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', t.url), { requestInit: { headers: { authorization: `Bearer ${caller.key}` } } }),
    );
    try {
      const call = () => client.callTool({ name: 'flaky__echo', arguments: {} });
      expect((await call()).isError).toBe(false);
      expect((await call()).isError).toBe(false);
      const refused = await call();
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain('RATE_LIMITED');
      const meta = refused._meta?.['toolgate/error'];
      expect(meta).toMatchObject({ code: 'RATE_LIMITED', retryable: true, details: { limit: 'principal_tool' } });
      expect(meta).toHaveProperty('retryAfterSeconds');
    } finally {
      await client.close();
    }
  });
});

/** A gateway counting limits in Redis at `redisUrl`, with one plugin the caller may use. */
async function gatewayOnRedis(redisUrl: string, upstream: MisbehavingUpstream): Promise<{ t: TestGateway; key: string }> {
  const t = await startTestGateway({
    TOOLGATE_LIMITS__STORE: 'redis',
    TOOLGATE_LIMITS__REDIS_URL: redisUrl,
    TOOLGATE_LIMITS__RATE__PER_PRINCIPAL: '1000',
  });
  const res = await t.api('POST', '/v1/admin/plugins', {
    body: { name: 'flaky', spec: JSON.stringify(upstream.spec), allowPrivateNetwork: true },
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: 'plugin:flaky' } });
  return { t, key: (await createCaller(t, 'agent', ['agents'])).key };
}

/** A Redis outage is its own failure: refused (fail closed) with RATE_LIMIT_UNAVAILABLE, never let through, never "you called too much". */
describe('rate-limit store outage', () => {
  let upstream: MisbehavingUpstream;
  beforeAll(async () => {
    upstream = await startMisbehavingUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('REST and MCP: an unreachable Redis → 503 RATE_LIMIT_UNAVAILABLE with Retry-After, audited as a denial', async () => {
    const { t, key } = await gatewayOnRedis(`redis://127.0.0.1:${await closedPort()}`, upstream);
    try {
      const res = await t.api('POST', '/v1/tools/flaky__echo/invoke', { key, body: { arguments: {} } });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE', retryable: true, details: { retryAfterSeconds: 1 } });
      expect(res.body.error.message).toContain('limits.redisUrl');
      expect(res.headers.get('retry-after')).toBe('1');
      const [event] = await auditFor(t, 'flaky__echo');
      expect(event).toMatchObject({ errorCode: 'RATE_LIMIT_UNAVAILABLE', decision: 'deny' });
      // The audit keeps what failed; the caller's answer does not.
      expect(event.reason).toContain('limit store failed');

      const client = new Client({ name: 'rate-limits-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL('/mcp', t.url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }),
      );
      try {
        const refused = await client.callTool({ name: 'flaky__echo', arguments: {} });
        expect(refused.isError).toBe(true);
        expect(JSON.stringify(refused.content)).toContain('RATE_LIMIT_UNAVAILABLE');
        expect(refused._meta?.['toolgate/error']).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE', retryable: true, retryAfterSeconds: 1 });
      } finally {
        await client.close();
      }
    } finally {
      await t.close();
    }
  });

  const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;
  if (!haveRedisServer) console.warn('skipping the Redis stop-and-restart test: no redis-server on PATH (apt-get install redis-server)');

  it.runIf(haveRedisServer)('a Redis that stops refuses calls until it is back, then lets them through again', async () => {
    const port = await closedPort();
    let redis = await startRedis(port);
    const { t, key } = await gatewayOnRedis(`redis://127.0.0.1:${port}`, upstream);
    const status = async () => (await t.api('POST', '/v1/tools/flaky__echo/invoke', { key, body: { arguments: {} } })).status;
    try {
      // The gateway connects in the background; until it has, calls are refused too.
      await expect.poll(status, { timeout: 10_000, interval: 50 }).toBe(200);
      await stopRedis(redis);
      const res = await t.api('POST', '/v1/tools/flaky__echo/invoke', { key, body: { arguments: {} } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('RATE_LIMIT_UNAVAILABLE');
      redis = await startRedis(port);
      await expect.poll(status, { timeout: 10_000, interval: 100 }).toBe(200);
    } finally {
      await t.close();
      await stopRedis(redis);
    }
  });
});

/** Our own throwaway Redis on `port` (no persistence), ready when this resolves. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await expect.poll(() => out.includes('Ready to accept connections') || child.exitCode !== null, { timeout: 10_000 }).toBe(true);
  if (child.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
