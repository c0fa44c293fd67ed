import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

const ACCEPT = 'application/json, text/event-stream';

/** Regression: a tools/call refused before the MCP server saw it left no audit record (REST audits the same refusal). */
describe('tools/call refused at the /mcp door is audited as a tool call', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let caller: { id: string; key: string };

  const post = (key: string | null, body: unknown, headers: Record<string, string> = {}, path = '/mcp') =>
    t.api('POST', path, {
      key,
      rawBody: JSON.stringify(body),
      headers: { accept: ACCEPT, 'content-type': 'application/json', ...headers },
    });
  const callOf = (name: string) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { orderId: 'ord_1001' } } });

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway();
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    caller = await createCaller(t, 'door-caller', ['door']);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:door', target: 'plugin:shop' } })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
  });

  it('audits a wrong key with the tool name, surface mcp and AUTH_INVALID', async () => {
    const res = await post('tgk_nope_wrongsecret', callOf('shop__get_order'));
    expect(res.status).toBe(401);
    const [event] = await auditFor(t, 'shop__get_order');
    expect(event).toMatchObject({ surface: 'mcp', principalId: null, decision: 'deny', outcome: 'not_run', errorCode: 'AUTH_INVALID' });
  });

  it("audits a foreign Origin with the caller's principal, and maps a per-plugin name to the full tool name", async () => {
    const res = await post(caller.key, callOf('get_customer'), { origin: 'https://evil.example' }, '/mcp/shop');
    expect(res.status).toBe(403);
    const [event] = await auditFor(t, 'shop__get_customer');
    expect(event).toMatchObject({ surface: 'mcp', principalId: caller.id, decision: 'deny', errorCode: 'ORIGIN_FORBIDDEN' });
  });

  it('does not invent tool-call records for refused messages that are not tool calls', async () => {
    const before = (await t.api('GET', '/v1/admin/audit?limit=200')).body.events.length;
    const res = await post('tgk_nope_wrongsecret', { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(res.status).toBe(401);
    const after = (await t.api('GET', '/v1/admin/audit?limit=200')).body.events.length;
    expect(after).toBe(before);
  });
});
