import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

describe('a governed tool call, end to end', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
  });

  it('imports the example spec, grants a role, calls a read tool and audits the call', async () => {
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    const names = imported.body.tools.map((x: { name: string }) => x.name);
    expect(names).toContain('shop__get_order');
    expect(names).toContain('shop__delete_order');

    const support = await createCaller(t, 'support-bot', ['support']);
    // Deny by default: the new principal sees nothing before it has a grant.
    expect((await t.api('GET', '/v1/tools', { key: support.key })).body.tools).toEqual([]);

    const grant = await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'plugin:shop' } });
    expect(grant.status).toBe(201);
    const listed = await t.api('GET', '/v1/tools', { key: support.key });
    expect(listed.status).toBe(200);
    expect(listed.body.tools.map((x: { name: string }) => x.name)).toContain('shop__get_order');

    const call = await t.api('POST', '/v1/tools/shop__get_order/invoke', {
      key: support.key,
      body: { arguments: { orderId: 'ord_1001' } },
    });
    expect(call.status).toBe(200);
    expect(call.body.isError).toBe(false);
    expect(call.body.upstreamStatus).toBe(200);
    expect(call.body.content.id).toBe('ord_1001');
    expect(call.headers.get('x-request-id')).toBeTruthy();

    const events = await auditFor(t, 'shop__get_order');
    expect(events[0]).toMatchObject({
      callId: call.body.callId,
      principalId: support.id,
      principalName: 'support-bot',
      decision: 'allow',
      outcome: 'success',
      upstreamStatus: 200,
      pluginName: 'shop',
      toolHash: call.body.definitionHash,
      errorCode: null,
    });
    expect(events[0].argsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(events[0].latencyMs).toBeGreaterThan(0);
    expect(JSON.stringify(events[0])).not.toContain('ord_1001');
  });

  it('passes an upstream 4xx to the caller as a tool error, and audits it as such', async () => {
    const caller = await createCaller(t, 'reader', ['reader']);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:reader', target: 'tool:shop__get_order' } });
    const call = await t.api('POST', '/v1/tools/shop__get_order/invoke', {
      key: caller.key,
      body: { arguments: { orderId: 'ord_999999' } },
    });
    expect(call.status).toBe(200);
    expect(call.body.isError).toBe(true);
    expect(call.body.upstreamStatus).toBe(404);
    const [event] = await auditFor(t, 'shop__get_order');
    expect(event).toMatchObject({ principalName: 'reader', decision: 'allow', outcome: 'tool_error', upstreamStatus: 404 });
  });

  it('a tool-level grant shows only that tool; an explicit deny overrides an allow', async () => {
    const caller = await createCaller(t, 'narrow', []);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:narrow', target: 'tool:shop__list_orders' } });
    const listed = await t.api('GET', '/v1/tools', { key: caller.key });
    expect(listed.body.tools.map((x: { name: string }) => x.name)).toEqual(['shop__list_orders']);

    await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:narrow', target: 'plugin:shop', effect: 'deny' } });
    expect((await t.api('GET', '/v1/tools', { key: caller.key })).body.tools).toEqual([]);
    const call = await t.api('POST', '/v1/tools/shop__list_orders/invoke', { key: caller.key, body: { arguments: {} } });
    expect(call.status).toBe(404);
    expect(call.body.error.code).toBe('TOOL_NOT_FOUND');
  });

  it('reads null for an optional non-nullable field as absent (strict-mode models send it)', async () => {
    const { key } = await createCaller(t, 'strict-model', ['support']);
    const call = await t.api('POST', '/v1/tools/shop__list_orders/invoke', {
      key,
      body: { arguments: { status: null, limit: 2, cursor: null } },
    });
    expect(call.status).toBe(200);
    expect(call.body.isError).toBe(false);
    expect(call.body.content.data).toHaveLength(2);
    const required = await t.api('POST', '/v1/tools/shop__get_order/invoke', { key, body: { arguments: { orderId: null } } });
    expect(required.body.error).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/orderId' } });
  });

  it('grants for another environment do not apply', async () => {
    const caller = await createCaller(t, 'prod-only', []);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:prod-only', target: 'plugin:shop', environment: 'production' } });
    expect((await t.api('GET', '/v1/tools', { key: caller.key })).body.tools).toEqual([]);
  });

  it('removing a plugin removes its tools and the grants that named them', async () => {
    const before = (await t.api('GET', '/v1/admin/grants')).body.grants.length;
    const removed = await t.api('DELETE', '/v1/admin/plugins/shop');
    expect(removed.status).toBe(200);
    expect(removed.body.grants).toBeGreaterThan(0);
    expect((await t.api('GET', '/v1/admin/grants')).body.grants.length).toBe(before - removed.body.grants);
    const call = await t.api('POST', '/v1/tools/shop__get_order/invoke', { body: { arguments: { orderId: 'ord_1001' } } });
    expect(call.body.error.code).toBe('TOOL_NOT_FOUND');
  });
});
