import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../src/connectors/fixtures/loopback-server.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';
import { okOperation } from './support/ok-operation.js';

/** Per-plugin retry, circuit breaker and bulkhead against a real loopback upstream that misbehaves. */
describe('upstream resilience', () => {
  let t: TestGateway;
  let upstream: LoopbackServer;
  let caller: { key: string };
  let failing = true;
  const resetsSeen = new Set<string>();

  const spec = {
    openapi: '3.1.0',
    info: { title: 'Faulty', version: '1' },
    paths: {
      '/hang': okOperation('hang'),
      '/hang-write': okOperation('hang_write', 'post'),
      '/reset-once': okOperation('reset_once'),
      '/flip': okOperation('flip'),
    },
  };

  beforeAll(async () => {
    upstream = await startLoopbackServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path.startsWith('/hang')) return; // never answers
      if (path === '/reset-once' && !resetsSeen.has(path)) {
        resetsSeen.add(path);
        req.socket.destroy();
        return;
      }
      if (path === '/flip' && failing) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    t = await startTestGateway({
      TOOLGATE_RESILIENCE__RETRY__BASE_DELAY_MS: '5',
      TOOLGATE_RESILIENCE__RETRY__MAX_DELAY_MS: '20',
      TOOLGATE_RESILIENCE__PLUGINS: JSON.stringify({
        breaks: { retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 } },
        busy: { bulkhead: { maxConcurrent: 1, maxQueued: 0 } },
      }),
    });
    for (const name of ['hangs', 'resets', 'breaks', 'busy']) {
      const body = { name, spec: JSON.stringify(spec), baseUrl: upstream.origin, allowPrivateNetwork: true, timeoutMs: 300 };
      const res = await t.api('POST', '/v1/admin/plugins', { body });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: `plugin:${name}` } });
    }
    caller = await createCaller(t, 'agent', ['agents']);
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const invoke = (tool: string) => t.api('POST', `/v1/tools/${tool}/invoke`, { key: caller.key, body: { arguments: {} } });
  const seen = (path: string) => upstream.requests.filter((r) => r.url.split('?')[0] === path).length;
  const circuit = async (plugin: string) => (await t.api('GET', `/v1/admin/plugins/${plugin}`)).body.plugin.circuit;

  it('retries a hanging read tool, then fails UPSTREAM_TIMEOUT', async () => {
    const before = seen('/hang');
    const res = await invoke('hangs__hang');
    expect(res.body.error?.code).toBe('UPSTREAM_TIMEOUT');
    expect(seen('/hang') - before).toBe(3);
    const [event] = await auditFor(t, 'hangs__hang');
    expect(event.reason).toContain('after 3 attempts');
  });

  it('never retries a hanging write tool', async () => {
    const res = await invoke('hangs__hang_write');
    expect(res.body.error?.code).toBe('UPSTREAM_TIMEOUT');
    expect(seen('/hang-write')).toBe(1);
  });

  it('recovers a read from a connection reset on the second attempt', async () => {
    const res = await invoke('resets__reset_once');
    expect(res.status).toBe(200);
    expect(seen('/reset-once')).toBe(2);
    const [event] = await auditFor(t, 'resets__reset_once');
    expect(event.reason).toContain('after 2 attempts');
  });

  it('opens the breaker after a burst of 5xx, refuses without calling upstream, and closes after a good probe', async () => {
    expect(await circuit('breaks')).toEqual({ state: 'closed', failures: 0 });
    for (let i = 0; i < 3; i++) expect((await invoke('breaks__flip')).body.error?.code).toBe('UPSTREAM_ERROR');
    expect(seen('/flip')).toBe(3);

    const refused = await invoke('breaks__flip');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(seen('/flip')).toBe(3);
    const open = await circuit('breaks');
    expect(open).toMatchObject({ state: 'open', failures: 3 });
    expect(open.retryAfterMs).toBeGreaterThan(0);
    expect(typeof open.openedAt).toBe('string');
    const listed = await t.api('GET', '/v1/admin/plugins');
    expect(listed.body.plugins.find((p: { name: string }) => p.name === 'breaks').circuit.state).toBe('open');

    failing = false;
    await expect.poll(async () => (await circuit('breaks')).state, { timeout: 5000, interval: 50 }).toBe('half-open');
    const probe = await invoke('breaks__flip');
    expect(probe.status).toBe(200);
    expect(seen('/flip')).toBe(4);
    expect(await circuit('breaks')).toEqual({ state: 'closed', failures: 0 });
  });

  it('refuses a second concurrent call with UPSTREAM_BUSY while the first hangs', async () => {
    const first = invoke('busy__hang');
    await expect.poll(() => seen('/hang') > 3, { timeout: 5000, interval: 10 }).toBe(true);
    const second = await invoke('busy__flip');
    expect(second.status).toBe(503);
    expect(second.body.error.code).toBe('UPSTREAM_BUSY');
    expect((await first).body.error.code).toBe('UPSTREAM_TIMEOUT');
  });
});
