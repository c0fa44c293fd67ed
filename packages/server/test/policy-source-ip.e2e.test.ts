import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatGateway, postChat, type ChatGateway } from './support/chat-gateway.js';

/** A policy on the caller's network only works if every surface hands the pipeline the caller's address. */
const LOOPBACK_ONLY_REFUSED = `@message("not from this network")
forbid (principal, action, resource) when { context has sourceIp && context.sourceIp.isLoopback() };`;

describe('network conditions see the caller address on every surface', () => {
  let chat: ChatGateway;

  beforeAll(async () => {
    chat = await startChatGateway();
    const created = await chat.t.api('POST', '/v1/admin/policies', {
      body: { name: 'no-loopback', tool: 'orders__get_order', cedar: LOOPBACK_ONLY_REFUSED },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => chat.close());

  it('REST', async () => {
    const res = await chat.t.api('POST', '/v1/tools/orders__get_order/invoke', { body: { arguments: { orderId: 'ord_1001' } } });
    expect(res.body.error?.code).toBe('POLICY_DENIED');
  });

  it('MCP', async () => {
    const client = new Client({ name: 'ip-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${chat.t.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${chat.t.adminKey}` } },
      }),
    );
    try {
      const result = await client.callTool({ name: 'orders__get_order', arguments: { orderId: 'ord_1001' } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('POLICY_DENIED');
    } finally {
      await client.close();
    }
  });

  it('chat', async () => {
    chat.model.enqueue({ toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1001' } }] }, { content: 'done' });
    const res = await postChat(chat.t, chat.t.adminKey, { model: 'test-model', messages: [{ role: 'user', content: 'order?' }] });
    expect(res.status).toBe(200);
    const fedBack = JSON.stringify(chat.model.chatRequests()[1]?.body.messages);
    expect(fedBack).toContain('POLICY_DENIED');
  });
});
