import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMisbehavingUpstream, type MisbehavingUpstream } from './support/misbehaving-upstream.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

/** Every way a call can be refused gets its error code and an audit record. */
describe('refused and failed calls', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let bad: MisbehavingUpstream;
  let caller: { id: string; key: string; keyId: string };
  let now = Date.now();

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    bad = await startMisbehavingUpstream();
    t = await startTestGateway(
      {
        TOOLGATE_SERVER__BODY_LIMIT_BYTES: '4096',
        TOOLGATE_LIMITS__MAX_OUTPUT_CHARS: '1000',
        // Each failure here is checked on its own; the breaker (tested in resilience.e2e) must not open between them.
        TOOLGATE_RESILIENCE__PLUGINS: JSON.stringify({ flaky: { breaker: { consecutiveFailures: 1000 } } }),
      },
      { clock: { now: () => now } },
    );
    const imports = [
      { name: 'shop', spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
      { name: 'flaky', spec: JSON.stringify(bad.spec), allowPrivateNetwork: true, timeoutMs: 300 },
      { name: 'gone', spec: JSON.stringify(bad.spec), baseUrl: 'http://127.0.0.1:1', allowPrivateNetwork: true },
      // Not allowlisted, pointing at the cloud metadata address: must never be contacted.
      { name: 'metadata', spec: JSON.stringify(bad.spec), baseUrl: 'http://169.254.169.254/latest' },
    ];
    for (const body of imports) {
      const res = await t.api('POST', '/v1/admin/plugins', { body });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    }
    caller = await createCaller(t, 'agent', ['agents']);
    for (const plugin of ['shop', 'flaky', 'gone', 'metadata']) {
      await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: `plugin:${plugin}` } });
    }
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
    await bad.close();
  });

  const invoke = (tool: string, args: unknown, key: string | null = caller.key) =>
    t.api('POST', `/v1/tools/${tool}/invoke`, { key, body: { arguments: args } });

  async function expectAudited(tool: string, code: string, extra: Record<string, unknown> = {}): Promise<void> {
    const [event] = await auditFor(t, tool);
    expect(event).toMatchObject({ errorCode: code, ...extra });
  }

  it('no key → AUTH_MISSING', async () => {
    const res = await invoke('shop__get_order', { orderId: 'ord_1001' }, null);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_MISSING');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    await expectAudited('shop__get_order', 'AUTH_MISSING', { decision: 'deny', outcome: 'not_run', principalId: null });
  });

  it('a malformed or unknown key → AUTH_INVALID', async () => {
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, 'not-a-key')).body.error.code).toBe('AUTH_INVALID');
    const forged = caller.key.slice(0, -4) + 'AAAA';
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, forged)).body.error.code).toBe('AUTH_INVALID');
    await expectAudited('shop__get_order', 'AUTH_INVALID');
  });

  it('a revoked key is refused on the very next call → AUTH_REVOKED', async () => {
    const c = await createCaller(t, 'revokee', ['agents']);
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, c.key)).status).toBe(200);
    expect((await t.api('POST', `/v1/admin/keys/${c.keyId}/revoke`)).status).toBe(200);
    const res = await invoke('shop__get_order', { orderId: 'ord_1001' }, c.key);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_REVOKED');
    await expectAudited('shop__get_order', 'AUTH_REVOKED', { principalId: null });
  });

  it("a disabled principal's keys stop working → AUTH_REVOKED", async () => {
    const c = await createCaller(t, 'disablee', ['agents']);
    await t.api('PATCH', '/v1/admin/principals/disablee', { body: { disabled: true } });
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, c.key)).body.error.code).toBe('AUTH_REVOKED');
  });

  it('an expired key → AUTH_EXPIRED', async () => {
    const c = await createCaller(t, 'shortlived', ['agents'], { expiresInDays: 1 });
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, c.key)).status).toBe(200);
    now += 2 * 86_400_000;
    const res = await invoke('shop__get_order', { orderId: 'ord_1001' }, c.key);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_EXPIRED');
    await expectAudited('shop__get_order', 'AUTH_EXPIRED');
  });

  it('an unknown tool → TOOL_NOT_FOUND', async () => {
    const res = await invoke('shop__launch_rockets', {});
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('TOOL_NOT_FOUND');
    await expectAudited('shop__launch_rockets', 'TOOL_NOT_FOUND', { principalName: 'agent', reason: 'no tool with this name' });
  });

  it('a tool that is not granted is reported as not found, and the audit says why', async () => {
    const outsider = await createCaller(t, 'outsider', []);
    const res = await invoke('shop__get_order', { orderId: 'ord_1001' }, outsider.key);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('TOOL_NOT_FOUND');
    const [event] = await auditFor(t, 'shop__get_order');
    expect(event).toMatchObject({ errorCode: 'TOOL_NOT_FOUND', principalName: 'outsider', decision: 'deny' });
    expect(event.reason).toContain('deny by default');
  });

  it('arguments failing the schema → ARGS_INVALID naming the field', async () => {
    const res = await invoke('shop__get_order', { orderId: '../../admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ARGS_INVALID');
    expect(res.body.error.details.path).toBe('/orderId');
    const missing = await invoke('shop__get_order', {});
    expect(missing.body.error.details.path).toBe('/orderId');
    await expectAudited('shop__get_order', 'ARGS_INVALID', { decision: 'deny' });
  });

  it('unknown extra arguments → ARGS_UNKNOWN naming the field', async () => {
    const res = await invoke('shop__get_order', { orderId: 'ord_1001', includeSecrets: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ARGS_UNKNOWN');
    expect(res.body.error.details.path).toBe('/includeSecrets');
    await expectAudited('shop__get_order', 'ARGS_UNKNOWN');
  });

  it('an oversized body → BODY_TOO_LARGE, audited with the caller', async () => {
    const res = await invoke('shop__get_order', { orderId: 'ord_1001', padding: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('BODY_TOO_LARGE');
    await expectAudited('shop__get_order', 'BODY_TOO_LARGE', { principalName: 'agent', outcome: 'not_run' });
  });

  it('a body that is not JSON → BAD_REQUEST, audited', async () => {
    const res = await t.api('POST', '/v1/tools/shop__get_order/invoke', { key: caller.key, rawBody: '{"arguments": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    await expectAudited('shop__get_order', 'BAD_REQUEST', { principalName: 'agent' });
    const stray = await t.api('POST', '/v1/tools/shop__get_order/invoke', { key: caller.key, body: { orderId: 'ord_1001' } });
    expect(stray.body.error.code).toBe('BAD_REQUEST');
    expect(stray.body.error.details.path).toBe('body/orderId');
  });

  it('an upstream that hangs → UPSTREAM_TIMEOUT', async () => {
    const res = await invoke('flaky__hang', {});
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(res.body.error.retryable).toBe(true);
    await expectAudited('flaky__hang', 'UPSTREAM_TIMEOUT', { decision: 'allow', outcome: 'error' });
  });

  it('an upstream 5xx → UPSTREAM_ERROR with the upstream status in the audit', async () => {
    const res = await invoke('flaky__fail', {});
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('maintenance');
    await expectAudited('flaky__fail', 'UPSTREAM_ERROR', { upstreamStatus: 503, outcome: 'error' });
  });

  it('an upstream redirect to another loopback origin → UPSTREAM_REDIRECT', async () => {
    const res = await invoke('flaky__redirect', {});
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_REDIRECT');
    await expectAudited('flaky__redirect', 'UPSTREAM_REDIRECT');
  });

  it('an upstream that cannot be reached → UPSTREAM_UNREACHABLE', async () => {
    const res = await invoke('gone__echo', {});
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_UNREACHABLE');
    await expectAudited('gone__echo', 'UPSTREAM_UNREACHABLE');
  });

  it('a plugin pointing at 169.254.169.254 → EGRESS_BLOCKED', async () => {
    const res = await invoke('metadata__echo', {});
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('EGRESS_BLOCKED');
    await expectAudited('metadata__echo', 'EGRESS_BLOCKED');
  });

  it('a destructive tool without approval → 202, an approval request (APPROVAL_PENDING), and the upstream is not touched', async () => {
    const res = await invoke('shop__delete_order', { orderId: 'ord_1002' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', statusUrl: `/v1/approvals/${res.body.approvalId}` });
    await expectAudited('shop__delete_order', 'APPROVAL_PENDING', { decision: 'approval_required', outcome: 'not_run' });
    const still = await invoke('shop__get_order', { orderId: 'ord_1002' });
    expect(still.body.upstreamStatus).toBe(200);
  });

  it('a consequential operation (x-openai-isConsequential) also needs approval', async () => {
    const res = await invoke('shop__refund_order', { orderId: 'ord_1001', body: { amount: 1, reason: 'test' } });
    expect(res.status).toBe(202);
  });

  it('a grant that requires approval stops a read tool too', async () => {
    const c = await createCaller(t, 'supervised', []);
    await t.api('POST', '/v1/admin/grants', {
      body: { subject: 'principal:supervised', target: 'tool:shop__list_orders', requireApproval: true },
    });
    const res = await invoke('shop__list_orders', {}, c.key);
    expect(res.status).toBe(202);
    expect(res.body.approvalId).toMatch(/^apr_/);
  });

  it('a large result is cut with an explicit truncation marker', async () => {
    const res = await invoke('flaky__big', {});
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(true);
    expect(res.body.content).toMatch(/\[truncated by Toolgate: the result had 50000 characters; the first 1000 characters are shown\]$/);
  });

  it("never forwards the caller's credential upstream", async () => {
    const res = await invoke('flaky__echo', { q: 'a b&c' });
    expect(res.status).toBe(200);
    expect(res.body.content.url).toBe('/echo?q=a%20b%26c');
    expect(JSON.stringify(res.body.content.headers)).not.toContain(caller.key.slice(4, 16));
    expect(res.body.content.headers.authorization).toBeUndefined();
  });
});

describe('rate limit', () => {
  let t: TestGateway;
  let bad: MisbehavingUpstream;
  beforeAll(async () => {
    bad = await startMisbehavingUpstream();
    t = await startTestGateway({ TOOLGATE_LIMITS__CALLS_PER_MINUTE_PER_PRINCIPAL: '3' });
    await t.api('POST', '/v1/admin/plugins', { body: { name: 'flaky', spec: JSON.stringify(bad.spec), allowPrivateNetwork: true } });
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:admin', target: 'plugin:flaky' } });
  });
  afterAll(async () => {
    await t.close();
    await bad.close();
  });

  it('exhausting the per-principal limit → RATE_LIMITED with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.api('POST', '/v1/tools/flaky__echo/invoke', { body: { arguments: {} } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await t.api('POST', '/v1/tools/flaky__echo/invoke', { body: { arguments: {} } });
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const [event] = await auditFor(t, 'flaky__echo');
    expect(event).toMatchObject({ errorCode: 'RATE_LIMITED', decision: 'deny' });
  });
});
