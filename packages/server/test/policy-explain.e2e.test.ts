import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

const REFUND_LIMIT = `@message("Refunds of 100 EUR or more need a supervisor.")
forbid(principal, action, resource) when { !context.args.body.amount.lessThan(decimal("100.0")) };`;
const SHADOW_LIMIT = `@message("Refunds of 10 EUR or more need a supervisor.")
forbid(principal, action, resource) when { !context.args.body.amount.lessThan(decimal("10.0")) };`;

describe('policy explain, who-can, what-can and shadow differences', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let support: { id: string; key: string };
  let roleGrant: string;
  let ownGrant: string;
  let limitId: string;

  const explain = (body: Record<string, unknown>) => t.api('POST', '/v1/admin/policy/explain', { body });

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway({ TOOLGATE_APPROVAL__REQUIRED_TIERS: '[]' });
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    support = await createCaller(t, 'support-agent', ['support']);
    await createCaller(t, 'bob', []);
    await createCaller(t, 'carol', ['support']);
    roleGrant = (await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'plugin:shop' } })).body.grant.id;
    ownGrant = (await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:bob', target: 'tool:shop__get_order' } })).body.grant
      .id;
    const limit = await t.api('POST', '/v1/admin/policies', {
      body: { name: 'refund-limit', tool: 'shop__refund_order', cedar: REFUND_LIMIT },
    });
    expect(limit.status).toBe(201);
    limitId = limit.body.policy.id;
  });
  afterAll(async () => {
    await t?.close();
    await orders?.close();
  });

  it('explains an allowed, a denied and a policy-denied call, naming the deciding rules', async () => {
    const allowed = await explain({
      principal: 'support-agent',
      tool: 'shop__refund_order',
      arguments: { orderId: 'ord_1001', body: { amount: 5 } },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body.decision).toBe('allow');
    expect(allowed.body.deciding).toEqual([
      expect.objectContaining({ kind: 'grant', id: roleGrant, subject: 'role:support', target: 'plugin:shop' }),
    ]);
    expect(allowed.body.considered).toContainEqual(expect.objectContaining({ kind: 'policy', id: limitId, matched: false }));

    const denied = await explain({ principal: 'bob', tool: 'shop__refund_order' });
    expect(denied.body).toMatchObject({ decision: 'deny', deciding: [] });
    expect(denied.body.whatWouldChange[0]).toBe('add an invoke grant on tool shop__refund_order or plugin shop to principal bob');

    const byPolicy = await explain({
      principal: support.id,
      tool: 'shop__refund_order',
      arguments: { orderId: 'ord_1001', body: { amount: 150 } },
    });
    expect(byPolicy.body.decision).toBe('deny');
    expect(byPolicy.body.policyMessage).toBe('Refunds of 100 EUR or more need a supervisor.');
    expect(byPolicy.body.deciding).toContainEqual(
      expect.objectContaining({
        kind: 'policy',
        id: limitId,
        name: 'refund-limit',
        effect: 'forbid',
        message: 'Refunds of 100 EUR or more need a supervisor.',
      }),
    );
    // The explanation matches what a real call gets.
    const call = await t.api('POST', '/v1/tools/shop__refund_order/invoke', {
      key: support.key,
      body: { arguments: { orderId: 'ord_1001', body: { amount: 150 } } },
    });
    expect(call.body.error).toMatchObject({ code: 'POLICY_DENIED', details: { policy: limitId } });

    expect((await explain({ principal: 'nobody', tool: 'shop__refund_order' })).status).toBe(404);
  });

  it('answers who can invoke a tool (role grants expanded) and what a principal can invoke', async () => {
    const who = await t.api('GET', '/v1/admin/policy/who-can?tool=shop__get_order&action=invoke');
    expect(who.status).toBe(200);
    const byName = Object.fromEntries(
      who.body.principals.map((p: { principal: { name: string }; grants: { id: string }[] }) => [
        p.principal.name,
        p.grants.map((g) => g.id),
      ]),
    );
    expect(byName).toEqual({ 'support-agent': [roleGrant], carol: [roleGrant], bob: [ownGrant] });

    const refunders = await t.api('GET', '/v1/admin/policy/who-can?tool=shop__refund_order');
    expect(refunders.body.principals.map((p: { principal: { name: string } }) => p.principal.name).sort()).toEqual([
      'carol',
      'support-agent',
    ]);
    expect(refunders.body.note).toContain('refund-limit');

    const what = await t.api('GET', '/v1/admin/policy/what-can?principal=bob');
    expect(what.body.tools).toEqual([
      expect.objectContaining({
        tool: 'shop__get_order',
        decision: 'allow',
        grants: [expect.objectContaining({ id: ownGrant, subject: 'principal:bob' })],
      }),
    ]);
    const agent = await t.api('GET', '/v1/admin/policy/what-can?principal=support-agent&action=invoke');
    expect(agent.body.tools.map((x: { tool: string }) => x.tool)).toContain('shop__refund_order');
    expect(agent.body.tools.find((x: { tool: string }) => x.tool === 'shop__refund_order').conditions).toEqual(['refund-limit']);
  });

  it('records a shadow difference for a call a shadow forbid would deny, and the call still runs', async () => {
    const since = new Date().toISOString();
    const shadow = await t.api('POST', '/v1/admin/policies', {
      body: { name: 'refund-limit-10', tool: 'shop__refund_order', cedar: SHADOW_LIMIT, status: 'shadow' },
    });
    expect(shadow.status).toBe(201);
    const call = await t.api('POST', '/v1/tools/shop__refund_order/invoke', {
      key: support.key,
      body: { arguments: { orderId: 'ord_1001', body: { amount: 50 } } },
    });
    expect(call.status).toBe(200);
    // Audit appends are group-committed: poll briefly until the difference is durable.
    let diffs: Record<string, unknown>[] = [];
    for (let i = 0; i < 50 && diffs.length === 0; i++) {
      diffs = (await t.api('GET', `/v1/admin/policy/shadow-diffs?since=${encodeURIComponent(since)}`)).body.diffs;
      if (diffs.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(diffs).toEqual([
      expect.objectContaining({
        tool: 'shop__refund_order',
        principalName: 'support-agent',
        live: 'allow',
        shadow: 'deny',
        shadowPolicyIds: [shadow.body.policy.id],
        error: null,
        argsDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    const cli = await runCli(['policy', 'shadow-diffs', '--json'], { TOOLGATE_URL: t.url, TOOLGATE_API_KEY: t.adminKey });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).diffs).toHaveLength(1);
    await t.api('DELETE', `/v1/admin/policies/${shadow.body.policy.id}`);
  });

  it('prints the explanation on the CLI', async () => {
    const env = { TOOLGATE_URL: t.url, TOOLGATE_API_KEY: t.adminKey };
    const run = await runCli(
      [
        'policy',
        'explain',
        '--principal',
        'support-agent',
        '--tool',
        'shop__refund_order',
        '--args',
        '{"orderId":"ord_1001","body":{"amount":150}}',
      ],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Decision: deny');
    expect(run.stdout).toContain(`grant ${roleGrant}`);
    expect(run.stdout).toContain(`policy refund-limit (${limitId}): forbid`);
    expect(run.stdout).toContain('What would change it:');
    expect(run.stdout).toContain('- policy refund-limit forbids when');

    const json = await runCli(['policy', 'explain', '--principal', 'bob', '--tool', 'shop__refund_order', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ decision: 'deny', deciding: [] });
    const who = await runCli(['policy', 'who-can', 'shop__get_order'], env);
    expect(who.stdout).toContain('carol');
  });
});
