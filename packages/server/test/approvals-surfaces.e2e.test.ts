import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatGateway, type ChatGateway } from './support/chat-gateway.js';
import { runCli } from './support/run-cli.js';
import { createCaller, type TestGateway } from './support/test-gateway.js';

/** Every surface tells the requester a call waits for approval, with its id, and how to follow it. */
describe('approvals on the MCP and chat surfaces', () => {
  let gw: ChatGateway;
  let t: TestGateway;
  let agent: { id: string; key: string };
  let approver: { id: string; key: string };
  let stranger: { id: string; key: string };
  const clients: Client[] = [];

  const connect = async (key: string, path = '/mcp'): Promise<Client> => {
    const transport = new StreamableHTTPClientTransport(new URL(path, t.url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    const client = new Client({ name: 'approvals-e2e', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    gw = await startChatGateway();
    t = gw.t;
    agent = await createCaller(t, 'agent', ['agent']);
    approver = await createCaller(t, 'approver', ['approver']);
    stranger = await createCaller(t, 'stranger', []);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agent', target: 'plugin:orders' } });
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:approver', target: 'plugin:orders', actions: ['approve'] } });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await gw.close();
  });

  it('MCP: a pending call answers with its approval id; the status tool lists everywhere and returns the result', async () => {
    const client = await connect(agent.key);
    const listed = await client.listTools();
    expect(listed.tools.map((x) => x.name)).toContain('toolgate_approval_status');
    const scoped = await (await connect(agent.key, '/mcp/orders')).listTools();
    expect(scoped.tools.map((x) => x.name)).toContain('toolgate_approval_status');
    const none = await (await connect(stranger.key)).listTools();
    expect(none.tools.map((x) => x.name)).toEqual(['toolgate_approval_status']);

    const pending = await client.callTool({ name: 'orders__refund_order', arguments: { orderId: 'ord_1001', body: { amount: 1 } } });
    expect(pending.isError).toBe(true);
    const meta = (pending._meta as Record<string, { approvalId: string; status: string; statusTool: string }>)['toolgate/approval'];
    expect(meta).toMatchObject({ status: 'pending', statusTool: 'toolgate_approval_status' });
    const text = (pending.content as { text: string }[])[0]?.text ?? '';
    expect(text).toContain('Not run yet');
    expect(text).toContain(meta?.approvalId);

    const status = async (c: Client) => c.callTool({ name: 'toolgate_approval_status', arguments: { approvalId: meta?.approvalId } });
    const waiting = await status(client);
    expect(waiting.isError).toBe(false);
    expect(JSON.parse((waiting.content as { text: string }[])[0]?.text ?? '{}')).toMatchObject({ status: 'pending', surface: 'mcp' });

    const approved = await t.api('POST', `/v1/approvals/${meta?.approvalId}/approve`, { key: approver.key, body: {} });
    expect(approved.body.status).toBe('executed');
    const done = JSON.parse(((await status(client)).content as { text: string }[])[0]?.text ?? '{}');
    expect(done).toMatchObject({ status: 'executed', result: { tool: 'orders__refund_order', upstreamStatus: 200 } });

    const hidden = await status(await connect(stranger.key));
    expect(hidden.isError).toBe(true);
    expect((hidden.content as { text: string }[])[0]?.text).toContain('APPROVAL_NOT_FOUND');
  });

  it('chat: the turn ends naming the approval id, which pendingApprovals carries; a re-sent tool call does not ask twice', async () => {
    const call = { id: 'call_refund_7', name: 'orders__refund_order', arguments: { orderId: 'ord_1005', body: { amount: 3 } } };
    gw.model.enqueue({ toolCalls: [call] });
    const res = await t.api('POST', '/v1/chat/completions', {
      key: agent.key,
      body: { model: 'test-model', messages: [{ role: 'user', content: 'refund 3 on ord_1005' }] },
    });
    expect(res.status).toBe(200);
    const [pending] = res.body.toolgate.pendingApprovals;
    expect(pending.approvalId).toMatch(/^apr_/);
    expect(res.body.choices[0].message.content).toContain(pending.approvalId);
    const seen = await t.api('GET', `/v1/approvals/${pending.approvalId}`, { key: agent.key });
    expect(seen.body).toMatchObject({ status: 'pending', surface: 'chat', arguments: call.arguments });

    gw.model.enqueue({ toolCalls: [call] });
    const again = await t.api('POST', '/v1/chat/completions', {
      key: agent.key,
      body: { model: 'test-model', messages: [{ role: 'user', content: 'refund 3 on ord_1005' }] },
    });
    expect(again.body.toolgate.pendingApprovals[0].approvalId).toBe(pending.approvalId);
  });

  it('CLI: call says it waits; approvals list, show, approve --args and deny drive the workflow', async () => {
    const as = (key: string) => ({ TOOLGATE_URL: t.url, TOOLGATE_API_KEY: key });
    const called = await runCli(['call', 'orders__refund_order', '--args', '{"orderId":"ord_1005","body":{"amount":1}}'], as(agent.key));
    expect(called.code).toBe(0);
    const id = /waits for approval: (apr_\S+)/.exec(called.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    const listed = await runCli(['approvals', 'list', '--status', 'pending'], as(approver.key));
    expect(listed.stdout).toContain(id);
    const shown = await runCli(['approvals', 'show', id], as(approver.key));
    expect(shown.stdout).toContain('requested by agent');
    const bad = await runCli(['approvals', 'approve', id, '--args', '{"orderId":"ord_1005","body":{"amount":"x"}}'], as(approver.key));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('ARGS_INVALID');
    const approved = await runCli(
      ['approvals', 'approve', id, '--note', 'fine', '--args', '{"orderId":"ord_1005","body":{"amount":2}}'],
      as(approver.key),
    );
    expect(approved.code).toBe(0);
    // An approver's edit waits for someone else's agreement: here the requester accepts it.
    expect(approved.stdout).toContain('pending');
    expect(approved.stdout).toContain('edited (');
    const accepted = await runCli(['approvals', 'approve', id], as(agent.key));
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('executed');

    const second = await t.api('POST', '/v1/tools/orders__refund_order/invoke', {
      key: agent.key,
      body: { arguments: { orderId: 'ord_1005', body: { amount: 1 } } },
    });
    const denied = await runCli(['approvals', 'deny', second.body.approvalId, '--note', 'no'], as(approver.key));
    expect(denied.stdout).toContain('denied');
  }, 60_000);
});
