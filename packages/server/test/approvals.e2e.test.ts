import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredApprovals } from '../src/approvals/expire-approvals.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

interface Caller {
  id: string;
  key: string;
}
interface Received {
  path: string;
  body: { event?: string; approval?: { id: string; status: string }; text?: string; blocks?: unknown[] };
}

/** A loopback webhook receiver that records what it is sent; `/fail` always answers 500. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Received['body'] });
      res.statusCode = req.url === '/fail' ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

describe('approvals: separate suggestion from execution', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let now = Date.parse('2025-06-01T10:00:00.000Z');
  let clerk: Caller;
  let lead: Caller;
  let boss1: Caller;
  let boss2: Caller;
  let outsider: Caller;

  const invoke = (who: Caller, tool: string, args: unknown, headers: Record<string, string> = {}) =>
    t.api('POST', `/v1/tools/${tool}/invoke`, { key: who.key, body: { arguments: args }, headers });
  const refund = (who: Caller, orderId: string, amount: number, headers: Record<string, string> = {}) =>
    invoke(who, 'shop__refund_order', { orderId, body: { amount, reason: 'approval test' } }, headers);
  const approve = (who: Caller, id: string, body: Record<string, unknown> = {}) =>
    t.api('POST', `/v1/approvals/${id}/approve`, { key: who.key, body });
  const show = (who: Caller, id: string) => t.api('GET', `/v1/approvals/${id}`, { key: who.key });
  const order = async (id: string): Promise<{ refunds: { amount: number }[]; status: string }> =>
    (await fetch(`${orders.url}/orders/${id}`)).json() as Promise<{ refunds: { amount: number }[]; status: string }>;

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    receiver = await startReceiver();
    const webhooks = [
      { url: `${receiver.url}/json`, format: 'json', allowPrivateNetwork: true },
      { url: `${receiver.url}/slack`, format: 'slack', events: ['requested'], allowPrivateNetwork: true },
      { url: `${receiver.url}/fail`, format: 'json', events: ['executed'], allowPrivateNetwork: true },
    ];
    t = await startTestGateway(
      {
        TOOLGATE_APPROVAL__TWO_PERSON_TOOLS: JSON.stringify(['shop__delete_order']),
        TOOLGATE_APPROVAL__WEBHOOKS: JSON.stringify(webhooks),
      },
      { clock: { now: () => now } },
    );
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    clerk = await createCaller(t, 'clerk', ['clerk']);
    lead = await createCaller(t, 'lead', ['clerk', 'approver']);
    boss1 = await createCaller(t, 'boss1', ['approver']);
    boss2 = await createCaller(t, 'boss2', ['approver']);
    outsider = await createCaller(t, 'outsider', ['reader']);
    for (const body of [
      { subject: 'role:clerk', target: 'plugin:shop', actions: ['invoke'] },
      { subject: 'role:approver', target: 'plugin:shop', actions: ['approve'] },
      { subject: 'role:reader', target: 'plugin:shop', actions: ['invoke'] },
    ]) {
      expect((await t.api('POST', '/v1/admin/grants', { body })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
    await receiver.close();
  });

  it('REST answers 202 with a status URL; the request records the exact call; others cannot see it', async () => {
    const res = await refund(clerk, 'ord_1001', 1);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', tool: 'shop__refund_order' });
    expect(res.body.statusUrl).toBe(`/v1/approvals/${res.body.approvalId}`);
    expect(res.headers.get('location')).toBe(res.body.statusUrl);
    expect(Date.parse(res.body.expiresAt)).toBe(now + 3600_000);

    const seen = await show(clerk, res.body.approvalId);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      status: 'pending',
      requester: { id: clerk.id, name: 'clerk' },
      arguments: { orderId: 'ord_1001', body: { amount: 1, reason: 'approval test' } },
      requiredApprovals: 1,
      approvals: 0,
      policyVersion: 0,
      surface: 'rest',
    });
    expect(seen.body.reason).toContain('risk tier consequential');
    expect(seen.body.argsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(seen.body.definitionHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await show(boss1, res.body.approvalId)).status).toBe(200);
    const hidden = await show(outsider, res.body.approvalId);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('APPROVAL_NOT_FOUND');

    const [event] = await auditFor(t, 'shop__refund_order');
    expect(event).toMatchObject({ decision: 'approval_required', errorCode: 'APPROVAL_PENDING', outcome: 'not_run' });
    expect(event.reason).toContain(res.body.approvalId);
    expect(JSON.stringify(event)).not.toContain('approval test');
  });

  it('an Idempotency-Key retry maps to the same request; the same key for other arguments does not', async () => {
    const first = await refund(clerk, 'ord_1001', 3, { 'idempotency-key': 'refund-abc' });
    const again = await refund(clerk, 'ord_1001', 3, { 'idempotency-key': 'refund-abc' });
    const other = await refund(clerk, 'ord_1001', 4, { 'idempotency-key': 'refund-abc' });
    expect(again.body.approvalId).toBe(first.body.approvalId);
    expect(other.status).toBe(202);
    expect(other.body.approvalId).not.toBe(first.body.approvalId);
    const bad = await refund(clerk, 'ord_1001', 3, { 'idempotency-key': 'x'.repeat(300) });
    expect(bad.body.error.code).toBe('BAD_REQUEST');
  });

  it('two approvers at once: the call runs exactly once, the other is told it was already decided', async () => {
    const before = (await order('ord_1001')).refunds.length;
    const { body } = await refund(clerk, 'ord_1001', 1.5);
    const [a, b] = await Promise.all([approve(boss1, body.approvalId, { note: 'ok' }), approve(boss2, body.approvalId)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('APPROVAL_ALREADY_DECIDED');
    expect((await order('ord_1001')).refunds.length).toBe(before + 1);

    const kept = await show(clerk, body.approvalId);
    expect(kept.body.status).toBe('executed');
    expect(kept.body.result).toMatchObject({ tool: 'shop__refund_order', isError: false, upstreamStatus: 200 });
    expect(kept.body.result.content.refunds.at(-1).amount).toBe(1.5);
    expect(kept.body.decisions).toHaveLength(1);
    const runs = (await auditFor(t, 'shop__refund_order')).filter((e) => e.decision === 'allow');
    expect(runs.filter((e) => String(e.reason).includes(body.approvalId))).toHaveLength(1);
    expect(runs[0]).toMatchObject({ principalName: 'clerk', outcome: 'success', upstreamStatus: 200 });

    const replay = await approve(boss1, body.approvalId);
    expect(replay.body.error.code).toBe('APPROVAL_ALREADY_DECIDED');
    expect((await order('ord_1001')).refunds.length).toBe(before + 1);
  });

  it('refuses self-approval and non-approvers', async () => {
    const { body } = await refund(lead, 'ord_1001', 1);
    const self = await approve(lead, body.approvalId);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('APPROVAL_FORBIDDEN');
    const stranger = await approve(outsider, body.approvalId);
    expect(stranger.body.error.code).toBe('APPROVAL_NOT_FOUND');
    const byClerk = await approve(clerk, body.approvalId);
    expect(byClerk.body.error.code).toBe('APPROVAL_NOT_FOUND');
    const audited = await auditFor(t, 'approvals.approve');
    expect(audited.filter((e) => e.errorCode === 'APPROVAL_FORBIDDEN').length).toBeGreaterThan(0);
  });

  it('a deny ends the request; it can no longer be approved', async () => {
    const { body } = await refund(clerk, 'ord_1001', 1);
    const denied = await t.api('POST', `/v1/approvals/${body.approvalId}/deny`, { key: boss1.key, body: { note: 'no' } });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', decisions: [{ decision: 'deny', note: 'no', approver: { name: 'boss1' } }] });
    expect((await approve(boss2, body.approvalId)).body.error.code).toBe('APPROVAL_ALREADY_DECIDED');
  });

  it('the two-person rule needs two distinct approvers', async () => {
    const { body } = await invoke(clerk, 'shop__delete_order', { orderId: 'ord_1002' });
    expect((await show(clerk, body.approvalId)).body.requiredApprovals).toBe(2);
    const first = await approve(boss1, body.approvalId);
    expect(first.body).toMatchObject({ status: 'pending', approvals: 1 });
    expect((await order('ord_1002')).status).toBe('pending');
    const twice = await approve(boss1, body.approvalId);
    expect(twice.body.error.code).toBe('APPROVAL_FORBIDDEN');
    const second = await approve(boss2, body.approvalId);
    expect(second.body).toMatchObject({ status: 'executed', approvals: 2 });
    expect((await fetch(`${orders.url}/orders/ord_1002`)).status).toBe(404);
  });

  it('an earlier approval stops counting when its approver is disabled before the second one', async () => {
    // Regression: the two-person rule counted an approval whose author had since lost the right to give it.
    const boss3 = await createCaller(t, 'boss3', ['approver']);
    const { body } = await invoke(clerk, 'shop__delete_order', { orderId: 'ord_1004' });
    expect((await approve(boss3, body.approvalId)).body).toMatchObject({ status: 'pending', approvals: 1 });
    expect((await t.api('PATCH', '/v1/admin/principals/boss3', { body: { disabled: true } })).status).toBe(200);
    const second = await approve(boss2, body.approvalId);
    expect(second.body.status).toBe('pending');
    expect((await fetch(`${orders.url}/orders/ord_1004`)).status).toBe(200);
    const third = await approve(boss1, body.approvalId);
    expect(third.body.status).toBe('executed');
    expect((await fetch(`${orders.url}/orders/ord_1004`)).status).toBe(404);
  });

  it('edited arguments are re-validated and recorded with both digests', async () => {
    const { body } = await refund(clerk, 'ord_1005', 1);
    const invalid = await approve(boss1, body.approvalId, { arguments: { orderId: 'ord_1005', body: { amount: -5 } } });
    expect(invalid.body.error).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/body/amount' } });
    const unknown = await approve(boss1, body.approvalId, { arguments: { orderId: 'ord_1005', body: { amount: 2 }, extra: 1 } });
    expect(unknown.body.error.code).toBe('ARGS_UNKNOWN');
    expect((await show(clerk, body.approvalId)).body.status).toBe('pending');

    const refundsBefore = (await order('ord_1005')).refunds.length;
    const proposed = await approve(boss1, body.approvalId, { arguments: { orderId: 'ord_1005', body: { amount: 2, reason: 'edited' } } });
    expect(proposed.status).toBe(200);
    // Regression: the editor's own approval used to run the edited call at once, as the requester, with
    // arguments only the approver chose. An edit now needs someone else's agreement; the editor cannot give it.
    expect(proposed.body).toMatchObject({ status: 'pending', approvals: 0 });
    expect((await approve(boss1, body.approvalId)).body.error.code).toBe('APPROVAL_FORBIDDEN');
    expect((await order('ord_1005')).refunds.length).toBe(refundsBefore);
    // The requester accepts the edit (they asked for the call; they could not approve it as asked).
    const edited = await approve(clerk, body.approvalId);
    expect(edited.status).toBe(200);
    expect(edited.body.status).toBe('executed');
    expect(edited.body.result).toBeDefined();
    expect(edited.body.editedArguments).toEqual({ orderId: 'ord_1005', body: { amount: 2, reason: 'edited' } });
    expect(edited.body.editedArgsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(edited.body.editedArgsDigest).not.toBe(edited.body.argsDigest);
    expect(edited.body.arguments.body.amount).toBe(1);
    expect(edited.body.decisions[0].argsDigest).toBe(edited.body.editedArgsDigest);
    expect((await order('ord_1005')).refunds.at(-1)).toMatchObject({ amount: 2, reason: 'edited' });
    // The kept result is the requester's: the approver sees the status, not what the call returned.
    const seenByApprover = await show(boss1, body.approvalId);
    expect(seenByApprover.body.status).toBe('executed');
    expect(seenByApprover.body.result ?? null).toBeNull();
    const [run] = (await auditFor(t, 'shop__refund_order')).filter((e) => String(e.reason).includes(body.approvalId));
    expect(run.argsDigest).toBe(edited.body.editedArgsDigest);
  });

  it('a grant revoked between request and approval denies the execution', async () => {
    const temp = await createCaller(t, 'temp-clerk', []);
    const grant = await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:temp-clerk', target: 'tool:shop__refund_order' } });
    const before = (await order('ord_1001')).refunds.length;
    const { body } = await refund(temp, 'ord_1001', 1);
    expect((await t.api('DELETE', `/v1/admin/grants/${grant.body.grant.id}`)).status).toBe(200);
    const res = await approve(boss1, body.approvalId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', error: { code: 'TOOL_NOT_FOUND' } });
    expect((await order('ord_1001')).refunds.length).toBe(before);
  });

  it('expiry denies: read late it is expired, approving it is APPROVAL_EXPIRED; the sweep expires due ones', async () => {
    const { body } = await refund(clerk, 'ord_1001', 1);
    const swept = await refund(clerk, 'ord_1001', 1.25);
    now += 3601_000;
    expect(await sweepExpiredApprovals(t.gw.approvals)).toBeGreaterThanOrEqual(2);
    expect((await show(clerk, swept.body.approvalId)).body.status).toBe('expired');
    const late = await approve(boss1, body.approvalId);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('APPROVAL_EXPIRED');
    const expiredEvents = await auditFor(t, 'approvals.expire');
    expect(expiredEvents.some((e) => String(e.reason).includes(body.approvalId))).toBe(true);

    const lazy = await refund(clerk, 'ord_1001', 1.75);
    now += 3601_000;
    expect((await show(clerk, lazy.body.approvalId)).body.status).toBe('expired');
  });

  it('cannot be replayed for another tool definition: a changed spec voids the approval', async () => {
    const before = (await order('ord_1001')).refunds.length;
    const { body } = await refund(clerk, 'ord_1001', 1);
    const changed = readFileSync(specPath, 'utf8').replace(
      'Refunds part or all of a paid order.',
      'Refunds part or all of a paid order (v2).',
    );
    expect((await t.api('POST', '/v1/admin/plugins/shop/sync', { body: { spec: changed } })).status).toBe(200);
    const tool = await t.api('GET', '/v1/admin/tools/shop__refund_order');
    const reviewed = await t.api('POST', '/v1/admin/tools/shop__refund_order/review', {
      body: { decision: 'approve', reviewDigest: tool.body.tool.reviewDigest },
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.tool.definitionHash).not.toBe((await show(clerk, body.approvalId)).body.definitionHash);

    const res = await approve(boss1, body.approvalId);
    // The final approval claims the request; the run refuses it, so it ends `failed` and can never run.
    expect(res.body).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_EXPIRED' } });
    expect(res.body.error.message).toContain('definition changed');
    const [run] = (await auditFor(t, 'shop__refund_order')).filter((e) => String(e.reason).includes(body.approvalId));
    expect(run).toMatchObject({
      decision: 'deny',
      outcome: 'not_run',
      errorCode: 'APPROVAL_EXPIRED',
      toolHash: reviewed.body.tool.definitionHash,
    });
    expect((await approve(boss2, body.approvalId)).body.error.code).toBe('APPROVAL_ALREADY_DECIDED');
    expect((await order('ord_1001')).refunds.length).toBe(before);
  });

  it('notifies webhooks (JSON and Slack bodies) and audits a failing one', async () => {
    const { body } = await refund(clerk, 'ord_1001', 1);
    await approve(boss1, body.approvalId);
    const deadline = Date.now() + 5000;
    const has = (path: string, event: string) =>
      receiver.received.some((r) => r.path === path && r.body.event === event && r.body.approval?.id === body.approvalId);
    while (!(has('/json', 'requested') && has('/json', 'executed')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(has('/json', 'requested')).toBe(true);
    expect(has('/json', 'decided')).toBe(true);
    expect(has('/json', 'executed')).toBe(true);
    const json = receiver.received.find((r) => r.path === '/json' && r.body.event === 'executed');
    expect(json?.body.approval).toMatchObject({ status: 'executed', tool: 'shop__refund_order' });
    expect(json?.body.approval).not.toHaveProperty('result');
    const slack = receiver.received.find((r) => r.path === '/slack' && JSON.stringify(r.body).includes(body.approvalId));
    expect(slack?.body.text).toContain('shop__refund_order');
    expect(slack?.body.text).toContain('clerk');
    expect(slack?.body.blocks?.length).toBeGreaterThan(1);
    expect(receiver.received.some((r) => r.path === '/slack' && r.body.text?.startsWith('Approval decision'))).toBe(false);

    let failures: { reason: string }[] = [];
    while (Date.now() < deadline + 5000) {
      failures = (await auditFor(t, 'approvals.webhook')).filter((e: { reason: string }) => e.reason.includes(body.approvalId));
      if (failures.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(failures[0]?.reason).toContain('HTTP 500');
    expect(receiver.received.filter((r) => r.path === '/fail' && r.body.approval?.id === body.approvalId)).toHaveLength(2);
  });

  it('lists: requesters their own, approvers those they may decide, with a status filter', async () => {
    const mine = await t.api('GET', '/v1/approvals', { key: clerk.key });
    expect(mine.body.approvals.length).toBeGreaterThan(3);
    expect(mine.body.approvals.every((a: { requester: { name: string } }) => a.requester.name === 'clerk')).toBe(true);
    const executed = await t.api('GET', '/v1/approvals?status=executed', { key: boss2.key });
    expect(executed.body.approvals.length).toBeGreaterThan(0);
    expect(executed.body.approvals.every((a: { status: string }) => a.status === 'executed')).toBe(true);
    expect((await t.api('GET', '/v1/approvals', { key: outsider.key })).body.approvals).toEqual([]);
  });
});
