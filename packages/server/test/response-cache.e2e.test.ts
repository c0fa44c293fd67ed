import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../src/connectors/fixtures/loopback-server.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * The response cache, fallbacks and per-tool resilience overrides, end to end: a real gateway in front of a
 * real loopback upstream that counts what reaches it, with the gateway on an injected clock.
 */
describe('response cache and fallbacks', () => {
  let t: TestGateway;
  let upstream: LoopbackServer;
  let alice: { key: string };
  let bob: { key: string };
  let now = Date.parse('2030-01-01T00:00:00Z');
  const up = { flaky: true, down: true };
  const held: { res: ServerResponse; id: string }[] = [];

  const get = (operationId: string, description = 'Reads.') => ({
    get: {
      operationId,
      description,
      parameters: [{ name: 'id', in: 'query', schema: { type: 'string' } }],
      responses: { '200': { description: 'ok' } },
    },
  });
  const spec = (itemDescription = 'Reads one item.') =>
    JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Counted', version: '1' },
      paths: {
        '/item': get('item', itemDescription),
        '/missing': get('missing'),
        '/boom': get('boom'),
        '/big': get('big'),
        '/slow': get('slow'),
        '/flaky': get('flaky'),
        '/down': get('down'),
        '/delay-a': get('delay_a'),
        '/delay-b': get('delay_b'),
        '/retry-me': get('retry_me'),
        '/write': { post: { operationId: 'write', responses: { '200': { description: 'ok' } } } },
      },
    });

  beforeAll(async () => {
    upstream = await startLoopbackServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://upstream');
      const id = url.searchParams.get('id') ?? '';
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      switch (url.pathname) {
        case '/missing':
          return json(404, { error: 'no such item' });
        case '/boom':
          return json(500, { error: 'broken' });
        case '/big':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000));
        case '/slow':
          held.push({ res, id });
          return;
        case '/flaky':
          return up.flaky ? json(200, { id, served: seen('/flaky') }) : req.socket.destroy();
        case '/down':
          return up.down ? json(200, { ok: true }) : req.socket.destroy();
        case '/retry-me':
          return seen('/retry-me') >= 4 ? json(200, { attempt: seen('/retry-me') }) : req.socket.destroy();
        case '/delay-a':
        case '/delay-b':
          setTimeout(() => json(200, { late: true }), 600);
          return;
        default:
          return json(200, { id, served: seen(url.pathname) });
      }
    });
    t = await startTestGateway(
      {
        TOOLGATE_LIMITS__MAX_RESPONSE_BYTES: '2048',
        TOOLGATE_CACHE__PLUGINS: JSON.stringify({ cached: { ttlSeconds: 60, staleIfErrorSeconds: 300 } }),
        TOOLGATE_CACHE__TOOLS: JSON.stringify({ shared__item: { ttlSeconds: 60, public: true } }),
        TOOLGATE_RESILIENCE__PLUGINS: JSON.stringify({
          cached: { retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 1000 }, fallback: { staleCache: true } },
          shared: { retry: { maxAttempts: 1 } },
          down: {
            retry: { maxAttempts: 1 },
            breaker: { consecutiveFailures: 2, halfOpenAfterMs: 30_000 },
            fallback: { message: 'The item service is down for maintenance. Try again in a few minutes.' },
          },
          timed: { retry: { maxAttempts: 1 } },
        }),
        TOOLGATE_RESILIENCE__TOOLS: JSON.stringify({
          timed__delay_a: { timeoutMs: 150 },
          timed__retry_me: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
        }),
      },
      { clock: { now: () => now } },
    );
    for (const name of ['cached', 'shared', 'down', 'timed']) {
      const body = { name, spec: spec(), baseUrl: upstream.origin, allowPrivateNetwork: true, timeoutMs: 5000 };
      const res = await t.api('POST', '/v1/admin/plugins', { body });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: `plugin:${name}` } });
    }
    alice = await createCaller(t, 'alice', ['agents']);
    bob = await createCaller(t, 'bob', ['agents']);
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  function seen(path: string, id?: string): number {
    return upstream.requests.filter((r) => {
      const url = new URL(r.url, 'http://upstream');
      return url.pathname === path && (id === undefined || url.searchParams.get('id') === id);
    }).length;
  }
  const invoke = (tool: string, args: Record<string, unknown> = {}, key = alice.key) =>
    t.api('POST', `/v1/tools/${tool}/invoke`, { key, body: { arguments: args } });
  const advance = (ms: number) => {
    now += ms;
  };

  it('serves a read from cache within its TTL and goes upstream again after it', async () => {
    const first = await invoke('cached__item', { id: 'ttl' });
    expect(first.status).toBe(200);
    expect(first.body.cache).toEqual({ status: 'miss', ageMs: 0 });
    advance(59_000);
    const second = await invoke('cached__item', { id: 'ttl' });
    expect(second.body).toMatchObject({ content: first.body.content, cache: { status: 'hit', ageMs: 59_000 } });
    expect(seen('/item', 'ttl')).toBe(1);
    const [hit, miss] = await auditFor(t, 'cached__item');
    expect(hit).toMatchObject({ outcome: 'success', upstreamStatus: 200 });
    expect(hit.reason).toContain('(cache hit, 59 s old)');
    expect(miss.reason).toContain('(cache miss)');

    advance(1_000);
    const third = await invoke('cached__item', { id: 'ttl' });
    expect(third.body.cache.status).toBe('miss');
    expect(seen('/item', 'ttl')).toBe(2);
  });

  it('keeps results per principal unless the tool is public', async () => {
    await invoke('cached__item', { id: 'who' }, alice.key);
    const forBob = await invoke('cached__item', { id: 'who' }, bob.key);
    expect(forBob.body.cache.status).toBe('miss');
    expect(seen('/item', 'who')).toBe(2);
    expect((await invoke('cached__item', { id: 'who' }, bob.key)).body.cache.status).toBe('hit');

    await invoke('shared__item', { id: 'pub' }, alice.key);
    const shared = await invoke('shared__item', { id: 'pub' }, bob.key);
    expect(shared.body.cache.status).toBe('hit');
    // Both plugins share the upstream: alice's miss on shared__item was the only new request for "pub".
    expect(seen('/item', 'pub')).toBe(1);
    // Plugins without a TTL are not cached at all.
    const uncached = await invoke('down__item', { id: 'none' });
    expect(uncached.body.cache).toBeUndefined();
  });

  it('never caches errors, 4xx answers, cut bodies or write tools', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await invoke('cached__missing')).body).toMatchObject({ isError: true, upstreamStatus: 404 });
      expect((await invoke('cached__boom')).body.error.code).toBe('UPSTREAM_ERROR');
      expect((await invoke('cached__big')).body.truncated).toBe(true);
      expect((await invoke('cached__write')).status).toBe(200);
    }
    expect(seen('/missing')).toBe(2);
    expect(seen('/boom')).toBe(2);
    expect(seen('/big')).toBe(2);
    expect(seen('/write')).toBe(2);
    expect((await invoke('cached__write')).body.cache).toBeUndefined();
  });

  it('lets 50 identical concurrent reads share one upstream call', async () => {
    const before = t.gw.cacheStats().coalesced;
    const calls = Array.from({ length: 50 }, () => invoke('cached__slow', { id: 'stampede' }));
    await expect.poll(() => t.gw.cacheStats().coalesced - before, { timeout: 10_000, interval: 20 }).toBe(49);
    expect(held.length).toBe(1);
    held.shift()?.res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":42}');
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.every((a) => (a.body.content as { value: number }).value === 42)).toBe(true);
    expect(answers.filter((a) => a.body.cache.status === 'miss')).toHaveLength(1);
    expect(answers.filter((a) => a.body.cache.status === 'shared')).toHaveLength(49);
    expect(seen('/slow', 'stampede')).toBe(1);
  });

  it('fails every waiter when the shared call fails, and does not cache the failure', async () => {
    const before = t.gw.cacheStats().coalesced;
    const calls = Array.from({ length: 50 }, () => invoke('cached__slow', { id: 'doomed' }));
    await expect.poll(() => t.gw.cacheStats().coalesced - before, { timeout: 10_000, interval: 20 }).toBe(49);
    held.shift()?.res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.body.error?.code)).toEqual(Array(50).fill('UPSTREAM_ERROR'));
    expect(seen('/slow', 'doomed')).toBe(1);

    const retry = invoke('cached__slow', { id: 'doomed' });
    await expect.poll(() => held.length, { timeout: 5000, interval: 20 }).toBe(1);
    held.shift()?.res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":7}');
    expect((await retry).body).toMatchObject({ content: { value: 7 }, cache: { status: 'miss' } });
    expect(seen('/slow', 'doomed')).toBe(2);
  });

  it('serves a stale result while the plugin is down, within staleIfErrorSeconds only', async () => {
    const fresh = await invoke('cached__flaky', { id: 's' });
    expect(fresh.body.cache.status).toBe('miss');
    up.flaky = false;
    try {
      advance(61_000); // expired: the gateway tries upstream, which is down
      const stale = await invoke('cached__flaky', { id: 's' });
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({
        isError: false,
        content: fresh.body.content,
        cache: { status: 'stale', ageMs: 61_000 },
        fallback: { kind: 'stale', cause: 'UPSTREAM_UNREACHABLE', ageSeconds: 61 },
      });
      const [event] = await auditFor(t, 'cached__flaky');
      expect(event).toMatchObject({ outcome: 'success', errorCode: 'UPSTREAM_UNREACHABLE' });
      expect(event.reason).toContain('(fallback: stale cached result, 61 s old, after UPSTREAM_UNREACHABLE)');

      advance(300_000); // 361 s old: past ttl + staleIfErrorSeconds
      const gone = await invoke('cached__flaky', { id: 's' });
      expect(gone.status).toBe(502);
      expect(gone.body.error.code).toBe('UPSTREAM_UNREACHABLE');
      expect(t.gw.cacheStats().stale).toBeGreaterThanOrEqual(1);
    } finally {
      up.flaky = true;
    }
  });

  it('answers with the configured message while the plugin is down or its breaker is open, and the breaker follows the injected clock', async () => {
    up.down = false;
    const message = 'The item service is down for maintenance. Try again in a few minutes.';
    for (let i = 0; i < 2; i++) {
      const res = await invoke('down__down');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ isError: true, content: message, fallback: { kind: 'message', cause: 'UPSTREAM_UNREACHABLE' } });
    }
    const open = await invoke('down__down');
    expect(open.body).toMatchObject({
      isError: true,
      content: message,
      upstreamStatus: 503,
      fallback: { kind: 'message', cause: 'UPSTREAM_CIRCUIT_OPEN' },
    });
    expect(seen('/down')).toBe(2);
    const [event] = await auditFor(t, 'down__down');
    expect(event).toMatchObject({ outcome: 'tool_error', decision: 'allow', errorCode: 'UPSTREAM_CIRCUIT_OPEN' });
    expect(event.reason).toContain('(fallback: configured message after UPSTREAM_CIRCUIT_OPEN)');

    // Half-open after 30 s on the gateway's clock, with no real waiting.
    up.down = true;
    advance(29_000);
    expect((await invoke('down__down')).body.fallback?.cause).toBe('UPSTREAM_CIRCUIT_OPEN');
    advance(1_000);
    const probe = await invoke('down__down');
    expect(probe.body).toMatchObject({ isError: false, content: { ok: true } });
    expect(probe.body.fallback).toBeUndefined();
    expect(seen('/down')).toBe(3);
  });

  it('shows cache and fallback on MCP tool results', async () => {
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', t.url), {
      requestInit: { headers: { authorization: `Bearer ${alice.key}` } },
    });
    const client = new Client({ name: 'cache-e2e', version: '1.0.0' });
    await client.connect(transport);
    try {
      await client.callTool({ name: 'cached__item', arguments: { id: 'mcp' } });
      const hit = await client.callTool({ name: 'cached__item', arguments: { id: 'mcp' } });
      expect(hit._meta?.['toolgate/call']).toMatchObject({ cache: { status: 'hit', ageMs: 0 } });

      up.down = false;
      for (let i = 0; i < 3; i++) await client.callTool({ name: 'down__down', arguments: {} });
      const fallback = await client.callTool({ name: 'down__down', arguments: {} });
      expect(fallback.isError).toBe(true);
      expect(fallback.content).toEqual([{ type: 'text', text: 'The item service is down for maintenance. Try again in a few minutes.' }]);
      expect(fallback._meta?.['toolgate/call']).toMatchObject({ fallback: { kind: 'message', cause: 'UPSTREAM_CIRCUIT_OPEN' } });
    } finally {
      up.down = true;
      await client.close();
    }
  });

  it('gives a tool its own timeout over its plugin timeout', async () => {
    const short = await invoke('timed__delay_a');
    expect(short.status).toBe(504);
    expect(short.body.error.code).toBe('UPSTREAM_TIMEOUT');
    const [event] = await auditFor(t, 'timed__delay_a');
    expect(event.reason).toContain('150 ms');
    const plugin = await invoke('timed__delay_b');
    expect(plugin.status).toBe(200);
    expect(plugin.body.content).toEqual({ late: true });
  });

  it("gives a tool its own retry limits over its plugin's", async () => {
    // shared: one attempt (plugin setting); timed__retry_me: three (tool setting), the third answers.
    expect((await invoke('shared__retry_me')).body.error.code).toBe('UPSTREAM_UNREACHABLE');
    expect(seen('/retry-me')).toBe(1);
    const retried = await invoke('timed__retry_me');
    expect(retried.status).toBe(200);
    expect(seen('/retry-me')).toBe(4);
    const [event] = await auditFor(t, 'timed__retry_me');
    expect(event.reason).toContain('after 3 attempts');
  });

  it('misses once the tool definition changed and was approved again', async () => {
    await invoke('cached__item', { id: 'hash' });
    expect((await invoke('cached__item', { id: 'hash' })).body.cache.status).toBe('hit');
    const entriesBefore = t.gw.cacheStats().entries;
    const synced = await t.api('POST', '/v1/admin/plugins/cached/sync', { body: { spec: spec('Reads one item by its id.') } });
    expect(synced.status).toBe(200);
    const review = (await t.api('GET', '/v1/admin/reviews')).body.reviews.find((r: { name: string }) => r.name === 'cached__item');
    const approved = await t.api('POST', '/v1/admin/tools/cached__item/review', {
      body: { decision: 'approve', reviewDigest: review.reviewDigest },
    });
    expect(approved.status).toBe(200);
    // The old definition's results were dropped when the catalog changed.
    expect(t.gw.cacheStats().entries).toBeLessThan(entriesBefore);
    const after = await invoke('cached__item', { id: 'hash' });
    expect(after.body.cache.status).toBe('miss');
    expect(after.body.definitionHash).toBe(review.definitionHash);
    expect(seen('/item', 'hash')).toBe(2);
  });
});
