import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;

/**
 * A plain tools/call is answered by the gateway itself, anything else by the SDK's transport (see
 * mcp/plain-tool-call.ts). Adding a progress token sends the same call down the SDK path, so the two
 * answers can be compared: they must be the same JSON-RPC message, for results and for errors.
 */
describe('plain tools/call on /mcp answers exactly as the SDK transport', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let agent: { id: string; key: string };

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(new URL('/mcp', t.url), {
      method: 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        authorization: `Bearer ${agent.key}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    // Progress notifications (SDK path) come first; the answer is the last message.
    const messages = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] ?? 'null') as Record<string, unknown>);
    return { status: res.status, contentType: res.headers.get('content-type'), text, answer: messages.at(-1) };
  };
  const call = (id: number, name: string, args: unknown, meta?: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args, ...(meta !== undefined ? { _meta: meta } : {}) },
  });
  /** The same call twice: plain, then with a progress token (SDK path); request and call ids differ per request and are dropped. */
  const both = async (name: string, args: unknown) => {
    const plain = await post(call(7, name, args));
    const viaSdk = await post(call(7, name, args, { progressToken: 'p1' }));
    const strip = (answer: unknown) => JSON.parse(JSON.stringify(answer).replace(/"(requestId|callId)":"[^"]*"/g, '"$1":"-"')) as unknown;
    return { plain, viaSdk, plainAnswer: strip(plain.answer), sdkAnswer: strip(viaSdk.answer) };
  };

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway();
    const shop = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(shop.status).toBe(201);
    agent = await createCaller(t, 'plain-agent', ['agent']);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agent', target: 'plugin:shop' } })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await orders.close();
  });

  it('a successful call: same result, as one SSE message event, and audited once per request', async () => {
    const before = (await auditFor(t, 'shop__get_order')).length;
    const { plain, viaSdk, plainAnswer, sdkAnswer } = await both('shop__get_order', { orderId: 'ord_1001' });
    expect(plain.status).toBe(200);
    expect(plain.contentType).toBe('text/event-stream');
    expect(plain.text).toMatch(/^event: message\ndata: .*\n\n$/);
    expect(viaSdk.status).toBe(200);
    expect(plainAnswer).toEqual(sdkAnswer);
    expect(plainAnswer).toMatchObject({ jsonrpc: '2.0', id: 7, result: { structuredContent: { id: 'ord_1001' } } });
    expect((await auditFor(t, 'shop__get_order')).length).toBe(before + 2);
  });

  it('a tool error (invalid arguments) and a protocol error (unknown tool): same answers on both paths', async () => {
    const invalid = await both('shop__get_order', { orderId: 42 });
    expect(invalid.plainAnswer).toEqual(invalid.sdkAnswer);
    expect(invalid.plainAnswer).toMatchObject({ result: { isError: true } });

    const unknown = await both('shop__no_such_tool', {});
    expect(unknown.plainAnswer).toEqual(unknown.sdkAnswer);
    expect(unknown.plainAnswer).toMatchObject({ id: 7, error: { code: -32602, data: { code: 'TOOL_NOT_FOUND' } } });
  });

  it('leaves to the SDK what it must refuse: an unsupported protocol version, non-object arguments, a batch', async () => {
    const version = await post(call(1, 'shop__get_order', { orderId: 'ord_1001' }), { 'mcp-protocol-version': '1999-01-01' });
    expect(version.status).toBe(400);
    const notObject = await post(call(2, 'shop__get_order', ['ord_1001']));
    // The SDK's own answer (its schema check), whatever code it picks.
    expect(notObject.answer).toMatchObject({ id: 2, error: { code: expect.any(Number) } });
    const batch = await post([call(3, 'shop__get_order', { orderId: 'ord_1001' })]);
    // Batches are the SDK's to answer; they still work.
    expect(batch.status).toBe(200);
    expect(batch.answer).toMatchObject({ id: 3, result: { isError: false } });
  });
});
