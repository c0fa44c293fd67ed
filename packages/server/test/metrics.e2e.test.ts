import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../src/connectors/fixtures/loopback-server.js';
import { runToolCall } from '../src/pipeline/run-tool-call.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';
import { okOperation } from './support/ok-operation.js';

/** The value of one series in a Prometheus text exposition, matched on its exact label set; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]);
    if (JSON.stringify(found.sort(([a], [b]) => String(a).localeCompare(String(b)))) === wanted) return Number(m[3]);
  }
  return 0;
}

const spec = { openapi: '3.1.0', info: { title: 'Shop', version: '1' }, paths: { '/ok': okOperation('ok'), '/fail': okOperation('fail') } };

async function addPlugin(t: TestGateway, name: string, upstream: LoopbackServer): Promise<void> {
  const body = { name, spec: JSON.stringify(spec), baseUrl: upstream.origin, allowPrivateNetwork: true, timeoutMs: 2000 };
  const res = await t.api('POST', '/v1/admin/plugins', { body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: `plugin:${name}` } });
}

async function startUpstream(): Promise<LoopbackServer> {
  return startLoopbackServer((req, res) => {
    const failing = (req.url ?? '').startsWith('/fail');
    res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' }).end(failing ? '{"error":"down"}' : '{"ok":true}');
  });
}

describe('GET /metrics', () => {
  let t: TestGateway;
  let upstream: LoopbackServer;

  beforeAll(async () => {
    upstream = await startUpstream();
    t = await startTestGateway({
      TOOLGATE_LIMITS__RATE__PER_PRINCIPAL_TOOL: '2',
      TOOLGATE_RESILIENCE__RETRY__BASE_DELAY_MS: '5',
      TOOLGATE_RESILIENCE__RETRY__MAX_DELAY_MS: '20',
      TOOLGATE_RESILIENCE__PLUGINS: JSON.stringify({
        breaks: { retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 600_000 } },
      }),
      TOOLGATE_CACHE__PLUGINS: JSON.stringify({ cached: { ttlSeconds: 60 } }),
    });
    await addPlugin(t, 'shop', upstream);
    await addPlugin(t, 'breaks', upstream);
    await addPlugin(t, 'cached', upstream);
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const scrape = async (): Promise<string> => {
    const res = await t.api('GET', '/metrics');
    expect(res.status).toBe(200);
    return res.body as string;
  };
  const invoke = (tool: string, key: string) => t.api('POST', `/v1/tools/${tool}/invoke`, { key, body: { arguments: {} } });
  const calls = (labels: { plugin: string; tool: string; decision: string; outcome: string; code: string }) =>
    ['toolgate_tool_calls_total', { surface: 'rest', ...labels }] as const;

  it('serves the Prometheus text format with process metrics, to an admin', async () => {
    const res = await t.api('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(res.body).toContain('# TYPE toolgate_tool_calls_total counter');
    expect(res.body).toContain('# TYPE toolgate_tool_call_duration_seconds histogram');
    expect(res.body).toMatch(/^toolgate_process_cpu_user_seconds_total \d/m);
    expect(res.body).toMatch(/^toolgate_nodejs_heap_size_total_bytes \d/m);
  });

  it('counts an allowed call once: calls, duration, upstream attempts', async () => {
    const caller = await createCaller(t, 'allowed', ['agents']);
    const before = await scrape();
    expect((await invoke('shop__ok', caller.key)).status).toBe(200);
    const after = await scrape();
    const series = calls({ plugin: 'shop', tool: 'shop__ok', decision: 'allow', outcome: 'success', code: '' });
    expect(sample(after, ...series) - sample(before, ...series)).toBe(1);
    const duration = ['toolgate_tool_call_duration_seconds_count', { surface: 'rest', plugin: 'shop', outcome: 'success' }] as const;
    expect(sample(after, ...duration) - sample(before, ...duration)).toBe(1);
    const attempts = ['toolgate_upstream_attempts_total', { plugin: 'shop' }] as const;
    expect(sample(after, ...attempts) - sample(before, ...attempts)).toBe(1);
    // The call's audit record was committed before it was answered, so its batch is timed by now.
    expect(sample(after, 'toolgate_audit_write_seconds_count')).toBeGreaterThan(0);
  });

  it('counts a denied call without naming the tool a caller cannot see, and made-up names never become labels', async () => {
    const stranger = await createCaller(t, 'stranger', []);
    const agent = await createCaller(t, 'namer', ['agents']);
    const before = await scrape();
    expect((await invoke('shop__ok', stranger.key)).body.error.code).toBe('TOOL_NOT_FOUND');
    expect((await invoke('shop__made_up_zq', agent.key)).body.error.code).toBe('TOOL_NOT_FOUND');
    expect((await invoke('invented_tool_qx', agent.key)).body.error.code).toBe('TOOL_NOT_FOUND');
    expect((await invoke('shop__ok', 'tg_not_a_real_key')).status).toBe(401);
    const after = await scrape();
    const notFound = calls({ plugin: '', tool: '', decision: 'deny', outcome: 'not_run', code: 'TOOL_NOT_FOUND' });
    expect(sample(after, ...notFound) - sample(before, ...notFound)).toBe(3);
    const badKey = calls({ plugin: '', tool: '', decision: 'deny', outcome: 'not_run', code: 'AUTH_INVALID' });
    expect(sample(after, ...badKey) - sample(before, ...badKey)).toBe(1);
    expect(after).not.toContain('made_up_zq');
    expect(after).not.toContain('invented_tool_qx');
    const stray = calls({ plugin: 'shop', tool: 'shop__ok', decision: 'deny', outcome: 'not_run', code: 'TOOL_NOT_FOUND' });
    expect(sample(after, ...stray)).toBe(0);
  });

  it('counts a rate-limited call under its limit', async () => {
    const caller = await createCaller(t, 'hasty', ['agents']);
    expect((await invoke('shop__ok', caller.key)).status).toBe(200);
    expect((await invoke('shop__ok', caller.key)).status).toBe(200);
    const before = await scrape();
    expect((await invoke('shop__ok', caller.key)).body.error.code).toBe('RATE_LIMITED');
    const after = await scrape();
    const limited = ['toolgate_rate_limited_total', { limit: 'principal_tool' }] as const;
    expect(sample(after, ...limited) - sample(before, ...limited)).toBe(1);
    const series = calls({ plugin: 'shop', tool: 'shop__ok', decision: 'deny', outcome: 'not_run', code: 'RATE_LIMITED' });
    expect(sample(after, ...series) - sample(before, ...series)).toBe(1);
    const attempts = ['toolgate_upstream_attempts_total', { plugin: 'shop' }] as const;
    expect(sample(after, ...attempts) - sample(before, ...attempts)).toBe(0);
  });

  it('counts a failed, retried call with every attempt it sent upstream', async () => {
    const caller = await createCaller(t, 'unlucky', ['agents']);
    const before = await scrape();
    const seenBefore = upstream.requests.length;
    expect((await invoke('shop__fail', caller.key)).body.error.code).toBe('UPSTREAM_ERROR');
    const sent = upstream.requests.length - seenBefore;
    expect(sent).toBe(3);
    const after = await scrape();
    const series = calls({ plugin: 'shop', tool: 'shop__fail', decision: 'allow', outcome: 'error', code: 'UPSTREAM_ERROR' });
    expect(sample(after, ...series) - sample(before, ...series)).toBe(1);
    const attempts = ['toolgate_upstream_attempts_total', { plugin: 'shop' }] as const;
    expect(sample(after, ...attempts) - sample(before, ...attempts)).toBe(sent);
    const duration = ['toolgate_tool_call_duration_seconds_count', { surface: 'rest', plugin: 'shop', outcome: 'error' }] as const;
    expect(sample(after, ...duration) - sample(before, ...duration)).toBe(1);
  });

  it('shows the response cache: a miss, then a hit that sends nothing upstream', async () => {
    const caller = await createCaller(t, 'cache-reader', ['agents']);
    const before = await scrape();
    // Two calls: this gateway allows two per principal and tool (cached answers count too).
    for (let i = 0; i < 2; i++) expect((await invoke('cached__ok', caller.key)).status).toBe(200);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('toolgate_response_cache_misses_total')).toBe(1);
    expect(delta('toolgate_response_cache_hits_total')).toBe(1);
    expect(sample(after, 'toolgate_response_cache_entries')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'toolgate_response_cache_bytes')).toBeGreaterThan(0);
    expect(delta('toolgate_upstream_attempts_total', { plugin: 'cached' })).toBe(1);
  });

  it('shows each plugin breaker: 0 while closed, 2 once open, with its failures', async () => {
    const caller = await createCaller(t, 'breaker', ['agents']);
    const closed = await scrape();
    expect(closed).toMatch(/^toolgate_circuit_state\{plugin="breaks"\} 0$/m);
    expect(closed).toMatch(/^toolgate_circuit_state\{plugin="shop"\} 0$/m);
    for (let i = 0; i < 2; i++) expect((await invoke('breaks__fail', caller.key)).body.error.code).toBe('UPSTREAM_ERROR');
    expect((await invoke('breaks__ok', caller.key)).body.error.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    const open = await scrape();
    expect(sample(open, 'toolgate_circuit_state', { plugin: 'breaks' })).toBe(2);
    expect(sample(open, 'toolgate_circuit_failures', { plugin: 'breaks' })).toBe(2);
    expect(sample(open, 'toolgate_circuit_state', { plugin: 'shop' })).toBe(0);
    // Refused by the open breaker: counted as a call, but nothing was sent upstream.
    const refused = calls({ plugin: 'breaks', tool: 'breaks__ok', decision: 'deny', outcome: 'not_run', code: 'UPSTREAM_CIRCUIT_OPEN' });
    expect(sample(open, ...refused)).toBe(1);
    expect(sample(open, 'toolgate_upstream_attempts_total', { plugin: 'breaks' })).toBe(2);
  });

  it('a failing call observer never fails the call: it runs, is answered and audited', async () => {
    const caller = await createCaller(t, 'observed', ['agents']);
    const throwing = {
      callFinished: () => {
        throw new Error('observer broke');
      },
    };
    const result = await runToolCall(
      { ...t.gw.pipeline, observer: throwing },
      { credential: caller.key, toolName: 'shop__ok', args: {}, surface: 'rest', requestId: 'observer-broke' },
    );
    expect(result.isError).toBe(false);
    const [event] = await auditFor(t, 'shop__ok');
    expect(event).toMatchObject({ requestId: 'observer-broke', decision: 'allow', outcome: 'success' });
  });

  it('refuses a scrape without credentials (401 AUTH_MISSING) and from a non-admin (403 ADMIN_REQUIRED), audited', async () => {
    const anonymous = await t.api('GET', '/metrics', { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('AUTH_MISSING');
    const agent = await createCaller(t, 'peeker', ['agents']);
    const nonAdmin = await t.api('GET', '/metrics', { key: agent.key });
    expect(nonAdmin.status).toBe(403);
    expect(nonAdmin.body.error.code).toBe('ADMIN_REQUIRED');
    const events = await auditFor(t, 'metrics.scrape');
    expect(events.map((e: { errorCode: string }) => e.errorCode)).toEqual(['ADMIN_REQUIRED', 'AUTH_MISSING']);
  });
});

describe('GET /metrics configured', () => {
  it('metrics.public serves it without credentials', async () => {
    const t = await startTestGateway({ TOOLGATE_METRICS__PUBLIC: 'true' });
    try {
      const res = await t.api('GET', '/metrics', { key: null });
      expect(res.status).toBe(200);
      expect(res.body).toContain('# TYPE toolgate_tool_calls_total counter');
    } finally {
      await t.close();
    }
  });

  it('metrics.enabled: false answers NOT_FOUND, even to an admin', async () => {
    const t = await startTestGateway({ TOOLGATE_METRICS__ENABLED: 'false' });
    try {
      const res = await t.api('GET', '/metrics');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(res.body.error.message).toContain('metrics.enabled');
    } finally {
      await t.close();
    }
  });
});
