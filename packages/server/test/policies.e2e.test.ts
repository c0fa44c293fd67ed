import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

// Monday 2026-06-01 10:00 UTC; the tests move the clock.
const MONDAY_10 = Date.parse('2026-06-01T10:00:00Z');

const REFUND_LIMIT = `@message("Refunds of 100 EUR or more need a supervisor.")
forbid(principal, action, resource) when { !context.args.body.amount.lessThan(decimal("100.0")) };`;
const OWN_ACCOUNTS = `@message("Only your own customer accounts.")
permit(principal, action, resource)
when { principal.attrs has accountIds && principal.attrs.accountIds.contains(context.args.customerId) };`;
const BUSINESS_HOURS = `@message("Only in business hours (Mon-Fri 09:00-17:00).")
permit(principal, action, resource)
when { context.now.weekday >= 1 && context.now.weekday <= 5 && context.now.hour >= 9 && context.now.hour < 17 };`;

describe('conditional policies over REST, with the orders plugin', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let now = MONDAY_10;
  let support: { id: string; key: string };
  let grantId: string;

  const invoke = (tool: string, args: unknown, key = support.key) =>
    t.api('POST', `/v1/tools/${tool}/invoke`, { key, body: { arguments: args } });
  const addPolicy = (body: Record<string, unknown>) => t.api('POST', '/v1/admin/policies', { body });
  const version = async (): Promise<number> => (await t.api('GET', '/v1/admin/policy-version')).body.policyVersion;

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway(
      {
        TOOLGATE_POLICY__PRINCIPAL_ATTRIBUTES: JSON.stringify({ accountIds: 'Set<String>' }),
        // Refunds are `consequential`; approval by tier is another feature, kept out of these calls.
        TOOLGATE_APPROVAL__REQUIRED_TIERS: '[]',
      },
      { clock: { now: () => now } },
    );
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    support = await createCaller(t, 'support-agent', ['support']);
    const grant = await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'plugin:shop' } });
    grantId = grant.body.grant.id;
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
  });

  it('allows refunds under 100 and refuses larger ones with the policy message; the audit names grant and policy', async () => {
    const before = await version();
    const created = await addPolicy({ name: 'refund-limit', tool: 'shop__refund_order', cedar: REFUND_LIMIT });
    expect(created.status).toBe(201);
    expect(created.body.policyVersion).toBe(before + 1);
    const policyId = created.body.policy.id;

    const small = await invoke('shop__refund_order', { orderId: 'ord_1001', body: { amount: 5, reason: 'scratch' } });
    expect(small.status).toBe(200);
    const allowed = (await auditFor(t, 'shop__refund_order'))[0];
    expect(allowed.decision).toBe('allow');
    expect(allowed.reason).toContain(grantId);
    expect(allowed.reason).toContain(policyId);
    expect(allowed.reason).toContain(`policy version ${before + 1}`);

    const large = await invoke('shop__refund_order', { orderId: 'ord_1001', body: { amount: 150 } });
    expect(large.status).toBe(403);
    expect(large.body.error).toMatchObject({
      code: 'POLICY_DENIED',
      details: { policy: policyId, message: 'Refunds of 100 EUR or more need a supervisor.' },
    });
    const denied = (await auditFor(t, 'shop__refund_order'))[0];
    expect(denied).toMatchObject({ decision: 'deny', errorCode: 'POLICY_DENIED', outcome: 'not_run' });
    expect(denied.reason).toContain(grantId);
    expect(denied.reason).toContain(policyId);
  });

  it('lets a caller read only the customer accounts in its principal attribute', async () => {
    expect((await addPolicy({ name: 'own-accounts', tool: 'shop__get_customer', cedar: OWN_ACCOUNTS })).status).toBe(201);
    expect((await invoke('shop__get_customer', { customerId: 'cus_ada' })).body.error.code).toBe('POLICY_DENIED');

    const bad = await t.api('PATCH', '/v1/admin/principals/support-agent', { body: { attributes: { accountIds: 'cus_ada' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.path).toBe('body/attributes/accountIds');
    const unknown = await t.api('PATCH', '/v1/admin/principals/support-agent', { body: { attributes: { region: 'eu' } } });
    expect(unknown.body.error.message).toContain('region');

    const set = await t.api('PATCH', '/v1/admin/principals/support-agent', { body: { attributes: { accountIds: ['cus_ada'] } } });
    expect(set.body.principal.attributes).toEqual({ accountIds: ['cus_ada'] });
    const own = await invoke('shop__get_customer', { customerId: 'cus_ada' });
    expect(own.status).toBe(200);
    expect(own.body.content.id).toBe('cus_ada');
    const other = await invoke('shop__get_customer', { customerId: 'cus_lin' });
    expect(other.status).toBe(403);
    expect(other.body.error.details.message).toBe('no permit policy matched: Only your own customer accounts.');
  });

  it('limits a tool to business hours in the configured time zone (UTC here)', async () => {
    expect((await addPolicy({ name: 'business-hours', tool: 'shop__list_orders', cedar: BUSINESS_HOURS })).status).toBe(201);
    expect((await invoke('shop__list_orders', {})).status).toBe(200);
    now = Date.parse('2026-06-01T18:30:00Z');
    expect((await invoke('shop__list_orders', {})).body.error.code).toBe('POLICY_DENIED');
    now = Date.parse('2026-06-06T10:00:00Z'); // a Saturday
    expect((await invoke('shop__list_orders', {})).body.error.code).toBe('POLICY_DENIED');
    // Listing ignores conditions: the tool stays visible out of hours.
    const listed = await t.api('GET', '/v1/tools', { key: support.key });
    expect(listed.body.tools.map((x: { name: string }) => x.name)).toContain('shop__list_orders');
    now = MONDAY_10;
  });

  it('refuses an invalid policy with POLICY_INVALID, Cedar message and position, without bumping the version', async () => {
    const before = await version();
    const typo = await addPolicy({
      name: 'typo',
      tool: 'shop__refund_order',
      cedar: 'permit(principal, action, resource)\nwhen { context.args.body.amout.lessThan(decimal("1.0")) };',
    });
    expect(typo.status).toBe(422);
    expect(typo.body.error.code).toBe('POLICY_INVALID');
    expect(typo.body.error.details.problems[0]).toMatchObject({ tool: 'shop__refund_order', line: 2 });
    expect(typo.body.error.details.problems[0].message).toContain('amout');
    const parse = await addPolicy({ name: 'parse', plugin: 'shop', cedar: 'permit(principal, action, resource' });
    expect(parse.body.error.code).toBe('POLICY_INVALID');
    expect(await version()).toBe(before);
    const audit = (await auditFor(t, 'policies.create'))[0];
    expect(audit).toMatchObject({ decision: 'deny', errorCode: 'POLICY_INVALID' });
  });

  it('bumps the version on every change and keeps a change log; shadow policies do not decide', async () => {
    const v0 = await version();
    const created = await addPolicy({
      name: 'no-deletes',
      tool: 'shop__delete_order',
      cedar: 'forbid(principal, action, resource);',
      status: 'shadow',
    });
    const id = created.body.policy.id;
    expect(created.body.policyVersion).toBe(v0 + 1);
    expect((await invoke('shop__delete_order', { orderId: 'ord_1004' })).body.error?.code).not.toBe('POLICY_DENIED');

    const body = { name: 'no-deletes', tool: 'shop__delete_order', cedar: 'forbid(principal, action, resource);', status: 'active' };
    const activated = await t.api('PUT', `/v1/admin/policies/${id}`, { body });
    expect(activated.body.policyVersion).toBe(v0 + 2);
    expect((await invoke('shop__delete_order', { orderId: 'ord_1005' })).body.error.code).toBe('POLICY_DENIED');

    const shown = await t.api('GET', `/v1/admin/policies/${id}`);
    expect(shown.body.changes.map((c: { action: string; version: number }) => [c.action, c.version])).toEqual([
      ['activate', v0 + 2],
      ['create', v0 + 1],
    ]);
    const removed = await t.api('DELETE', `/v1/admin/policies/${id}`);
    expect(removed.body.policyVersion).toBe(v0 + 3);
    expect(await version()).toBe(v0 + 3);
    expect((await t.api('GET', `/v1/admin/policies/${id}`)).status).toBe(404);
    expect((await auditFor(t, 'policies.remove'))[0].reason).toContain(`policy version ${v0 + 3}`);
  });

  it('serves the generated schema of a tool', async () => {
    const res = await t.api('GET', '/v1/admin/policies/schema?tool=shop__refund_order');
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('amount: decimal');
    expect(res.body.text).toContain('accountIds?: Set<String>');
    expect((await t.api('GET', '/v1/admin/policies/schema?tool=nope')).status).toBe(404);
  });

  it('separates grant actions: list-only sees but cannot invoke; approve does not imply invoke or list', async () => {
    const viewer = await createCaller(t, 'viewer', []);
    const approver = await createCaller(t, 'approver', []);
    const g1 = await t.api('POST', '/v1/admin/grants', {
      body: { subject: 'principal:viewer', target: 'tool:shop__get_order', actions: ['list'] },
    });
    expect(g1.body.grant.actions).toEqual(['list']);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:approver', target: 'plugin:shop', actions: ['approve'] } });

    const seen = await t.api('GET', '/v1/tools', { key: viewer.key });
    expect(seen.body.tools.map((x: { name: string }) => x.name)).toEqual(['shop__get_order']);
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, viewer.key)).body.error.code).toBe('TOOL_NOT_FOUND');

    expect((await t.api('GET', '/v1/tools', { key: approver.key })).body.tools).toEqual([]);
    expect((await invoke('shop__get_order', { orderId: 'ord_1001' }, approver.key)).body.error.code).toBe('TOOL_NOT_FOUND');

    const listed = await t.api('GET', '/v1/admin/grants');
    const byId = new Map(listed.body.grants.map((g: { id: string; actions: string[] }) => [g.id, g.actions]));
    expect(byId.get(grantId)).toEqual(['invoke']);
    const empty = await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:viewer', target: 'plugin:shop', actions: [] } });
    expect(empty.status).toBe(400);
  });
});
