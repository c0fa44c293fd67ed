import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER_KEY, startChatGateway, type ChatGateway } from './support/chat-gateway.js';
import { auditFor, createCaller, type TestGateway } from './support/test-gateway.js';

const ENVELOPE = /^UNTRUSTED TOOL OUTPUT BEGIN ([0-9a-f]{24})\n(.*)\n---\n([\s\S]*)\nUNTRUSTED TOOL OUTPUT END \1$/;

describe('POST /v1/chat/completions runs tools server-side', () => {
  let gw: ChatGateway;
  let t: TestGateway;
  let support: { id: string; key: string };
  let reader: { id: string; key: string };
  let nobody: { id: string; key: string };

  beforeAll(async () => {
    gw = await startChatGateway({ TOOLGATE_MODELS__MAX_STEPS: '4' });
    t = gw.t;
    support = await createCaller(t, 'support-bot', ['support']);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'plugin:orders' } });
    reader = await createCaller(t, 'order-reader', []);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:order-reader', target: 'tool:orders__get_order' } });
    nobody = await createCaller(t, 'nobody', []);
  });
  afterAll(async () => gw.close());
  beforeEach(() => gw.model.reset());

  const chat = (key: string | null, body: unknown, headers: Record<string, string> = {}) =>
    t.api('POST', '/v1/chat/completions', { key, body, headers });
  const ask = (text: string, extra: Record<string, unknown> = {}) => ({
    model: 'test-model',
    messages: [{ role: 'user', content: text }],
    ...extra,
  });
  const lastChatAudit = async () => (await auditFor(t, 'chat.completions'))[0];

  it('runs a tool call, feeds the result back in an untrusted envelope, and answers with usage summed', async () => {
    gw.model.enqueue(
      {
        toolCalls: [{ id: 'call_a', name: 'orders__get_order', arguments: { orderId: 'ord_1001' } }],
        usage: { prompt_tokens: 50, completion_tokens: 7 },
      },
      { content: 'Order ord_1001 is paid.', usage: { prompt_tokens: 80, completion_tokens: 9 } },
    );
    const res = await chat(support.key, ask('What is the status of ord_1001?', { temperature: 0.2 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'chat.completion',
      model: 'test-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Order ord_1001 is paid.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 130, completion_tokens: 16, total_tokens: 146 },
    });
    expect(res.body.id).toMatch(/^chatcmpl-/);

    const [first, second] = gw.model.chatRequests();
    expect(first?.body.temperature).toBe(0.2);
    expect(first?.body.messages[0]).toMatchObject({ role: 'system' });
    expect(first?.body.messages[0].content).toContain('untrusted');
    expect(first?.body.messages[1]).toEqual({ role: 'user', content: 'What is the status of ord_1001?' });
    // The system message is added once: the second step carries the same one, not another.
    expect(second?.body.messages.filter((m: { role: string }) => m.role === 'system')).toHaveLength(1);
    expect(second?.body.messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_a' }] });
    const toolMessage = second?.body.messages.at(-1);
    expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'call_a' });
    const envelope = ENVELOPE.exec(toolMessage.content);
    expect(envelope).not.toBeNull();
    const provenance = JSON.parse(envelope?.[2] ?? '');
    expect(provenance).toMatchObject({
      tool: 'orders__get_order',
      plugin: 'orders',
      toolCallId: 'call_a',
      untrusted: true,
      isError: false,
    });
    expect(provenance.definitionHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(envelope?.[3] ?? '')).toMatchObject({ id: 'ord_1001', status: 'paid' });

    const [call] = await auditFor(t, 'orders__get_order');
    expect(call).toMatchObject({
      surface: 'chat',
      principalName: 'support-bot',
      decision: 'allow',
      outcome: 'success',
      callId: provenance.callId,
    });
    expect(call.requestId).toBe(res.headers.get('x-request-id'));
    const turn = await lastChatAudit();
    expect(turn).toMatchObject({
      type: 'chat',
      surface: 'chat',
      principalName: 'support-bot',
      decision: 'allow',
      outcome: 'success',
      errorCode: null,
    });
    expect(turn.reason).toContain('model test-model via provider scripted; 2 steps; 1 tool call');
    expect(res.body.id).toBe(`chatcmpl-${turn.callId}`);
  });

  it("sends the provider its own key and never the caller's Toolgate key", async () => {
    gw.model.enqueue({ toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1002' } }] }, { content: 'ok' });
    expect((await chat(support.key, ask('hi'))).status).toBe(200);
    for (const request of gw.model.chatRequests()) {
      expect(request.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
      expect(JSON.stringify(request)).not.toContain(support.key);
    }
    const turn = await lastChatAudit();
    expect(JSON.stringify(turn)).not.toContain(PROVIDER_KEY);
  });

  it('offers exactly the tools the caller may see, and none to a caller without grants', async () => {
    gw.model.enqueue({ content: 'a' }, { content: 'b' });
    await chat(support.key, ask('list'));
    await chat(nobody.key, ask('list'));
    const [withGrants, without] = gw.model.chatRequests();
    const visible = (await t.api('GET', '/v1/tools', { key: support.key })).body.tools.map((x: { name: string }) => x.name);
    expect(withGrants?.body.tools.map((x: { function: { name: string } }) => x.function.name).sort()).toEqual(visible.sort());
    expect(visible).toContain('orders__refund_order');
    expect(without?.body.tools).toBeUndefined();
    // No tools can run, so there is nothing to mark as untrusted.
    expect(without?.body.messages).toEqual([{ role: 'user', content: 'list' }]);
  });

  it('feeds a denied call back as TOOL_NOT_FOUND, audited as a denial, and the model recovers', async () => {
    gw.model.enqueue(
      { toolCalls: [{ id: 'call_x', name: 'orders__list_orders', arguments: {} }] },
      { content: 'I cannot list orders, but I can look one up.' },
    );
    const res = await chat(reader.key, ask('list all orders'));
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('I cannot list orders, but I can look one up.');
    // The reader may not see the tool, so it was not offered either.
    const [first, second] = gw.model.chatRequests();
    expect(first?.body.tools.map((x: { function: { name: string } }) => x.function.name)).toEqual(['orders__get_order']);
    const fed = JSON.parse(second?.body.messages.at(-1).content);
    expect(fed.error.code).toBe('TOOL_NOT_FOUND');
    const [event] = await auditFor(t, 'orders__list_orders');
    expect(event).toMatchObject({ surface: 'chat', principalName: 'order-reader', decision: 'deny', errorCode: 'TOOL_NOT_FOUND' });
  });

  it('an unknown tool name and invalid JSON arguments are audited and fed back', async () => {
    gw.model.enqueue(
      {
        toolCalls: [
          { id: 'call_u', name: 'no_such_tool', arguments: {} },
          { id: 'call_j', name: 'orders__get_order', arguments: '{"orderId": "ord_10' },
        ],
      },
      { content: 'Sorry.' },
    );
    const res = await chat(support.key, ask('do things'));
    expect(res.status).toBe(200);
    const messages = gw.model.chatRequests()[1]?.body.messages;
    expect(messages.at(-2)).toMatchObject({ role: 'tool', tool_call_id: 'call_u' });
    expect(JSON.parse(messages.at(-2).content).error.code).toBe('TOOL_NOT_FOUND');
    expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_j' });
    expect(JSON.parse(messages.at(-1).content).error).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/' } });
    expect((await auditFor(t, 'no_such_tool'))[0]).toMatchObject({ surface: 'chat', decision: 'deny', errorCode: 'TOOL_NOT_FOUND' });
    const [invalid] = await auditFor(t, 'orders__get_order');
    expect(invalid).toMatchObject({ surface: 'chat', principalName: 'support-bot', decision: 'deny', errorCode: 'ARGS_INVALID' });
    expect(JSON.stringify(invalid)).not.toContain('ord_10');
  });

  it('a call that needs approval ends the turn with a message naming the call and why', async () => {
    gw.model.enqueue({
      toolCalls: [{ id: 'call_r', name: 'orders__refund_order', arguments: { orderId: 'ord_1001', body: { amount: 5 } } }],
    });
    const res = await chat(support.key, ask('refund 5 EUR on ord_1001'));
    expect(res.status).toBe(200);
    const message = res.body.choices[0].message;
    expect(message.content).toContain('call_r');
    expect(message.content).toContain('orders__refund_order');
    expect(message.content).toContain('consequential');
    expect(message.tool_calls).toBeUndefined();
    expect(res.body.choices[0].finish_reason).toBe('stop');
    expect(res.body.toolgate.pendingApprovals).toEqual([
      {
        toolCallId: 'call_r',
        tool: 'orders__refund_order',
        arguments: { orderId: 'ord_1001', body: { amount: 5 } },
        riskTier: 'consequential',
        requiredBy: 'risk_tier',
        message: expect.any(String),
        approvalId: expect.stringMatching(/^apr_/),
      },
    ]);
    expect(gw.model.chatRequests()).toHaveLength(1);
    const [event] = await auditFor(t, 'orders__refund_order');
    expect(event).toMatchObject({ surface: 'chat', decision: 'approval_required', outcome: 'not_run' });
    expect((await lastChatAudit()).reason).toContain('approval required for orders__refund_order');
  });

  it('a model that never stops calling tools hits CHAT_STEP_LIMIT (422), audited', async () => {
    for (let i = 0; i < 4; i++) gw.model.enqueue({ toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1001' } }] });
    const before = (await auditFor(t, 'orders__get_order')).length;
    const res = await chat(support.key, ask('loop'));
    // The last step's calls are not run: the model could never read their results.
    expect((await auditFor(t, 'orders__get_order')).length).toBe(before + 3);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CHAT_STEP_LIMIT');
    expect(gw.model.chatRequests()).toHaveLength(4);
    expect(await lastChatAudit()).toMatchObject({ errorCode: 'CHAT_STEP_LIMIT', decision: 'allow', outcome: 'error' });
  });

  it('a provider timeout is 504 MODEL_PROVIDER_TIMEOUT, audited', async () => {
    gw.model.enqueue({ content: 'too late', delayMs: 3000 });
    const res = await chat(support.key, { ...ask('slow'), model: 'slow-model' });
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('MODEL_PROVIDER_TIMEOUT');
    expect(res.body.error.message).toContain('"slow"');
    const turn = await lastChatAudit();
    expect(turn).toMatchObject({ errorCode: 'MODEL_PROVIDER_TIMEOUT', outcome: 'error' });
    expect(turn.reason).toContain('provider slow');
  });

  it('provider failures are 502 MODEL_PROVIDER_ERROR naming the provider and status, never the key', async () => {
    gw.model.enqueue(
      { status: 500, body: { error: { message: `bad key ${PROVIDER_KEY}`, type: 'server_error', code: 'overloaded' } } },
      { rawBody: '<html>gateway error</html>', contentType: 'text/html' },
      { body: { id: 'x', object: 'chat.completion', choices: [] } },
    );
    const failed = await chat(support.key, ask('a'));
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatchObject({
      code: 'MODEL_PROVIDER_ERROR',
      details: { provider: 'scripted', status: 500, providerCode: 'overloaded' },
    });
    expect(failed.body.error.message).toContain('"scripted" answered HTTP 500');
    expect(JSON.stringify(failed.body)).not.toContain(PROVIDER_KEY);
    expect(JSON.stringify(await lastChatAudit())).not.toContain(PROVIDER_KEY);
    expect((await chat(support.key, ask('b'))).body.error.code).toBe('MODEL_PROVIDER_ERROR');
    const empty = await chat(support.key, ask('c'));
    expect(empty.body.error.code).toBe('MODEL_PROVIDER_ERROR');
    expect(empty.body.error.message).toContain('no choices');
    expect(await lastChatAudit()).toMatchObject({ errorCode: 'MODEL_PROVIDER_ERROR', outcome: 'error' });
  });

  it('an unknown model is 404 MODEL_NOT_FOUND; the provider is not called', async () => {
    const res = await chat(support.key, { ...ask('x'), model: 'gpt-nonexistent' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('MODEL_NOT_FOUND');
    expect(gw.model.chatRequests()).toHaveLength(0);
    expect(await lastChatAudit()).toMatchObject({ errorCode: 'MODEL_NOT_FOUND', decision: 'deny', outcome: 'not_run' });
  });

  it('returns calls on client tools to the client, and passes its tool results to the model as they are', async () => {
    const weather = {
      type: 'function',
      function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    };
    gw.model.enqueue({ content: 'Checking.', toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const res = await chat(support.key, ask('weather in Oslo?', { tools: [weather], tool_choice: 'auto' }));
    expect(res.status).toBe(200);
    expect(res.body.choices[0].finish_reason).toBe('tool_calls');
    expect(res.body.choices[0].message).toMatchObject({
      content: 'Checking.',
      tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
    });
    const offered = gw.model.chatRequests()[0]?.body.tools.map((x: { function: { name: string } }) => x.function.name);
    expect(offered).toContain('get_weather');
    expect(offered).toContain('orders__get_order');

    gw.model.enqueue({ content: 'It is sunny in Oslo.' });
    const history = [
      { role: 'user', content: 'weather in Oslo?' },
      res.body.choices[0].message,
      { role: 'tool', tool_call_id: 'call_w', content: '{"sky":"sunny"}' },
    ];
    const next = await chat(support.key, { model: 'test-model', messages: history, tools: [weather] });
    expect(next.body.choices[0].message.content).toBe('It is sunny in Oslo.');
    expect(gw.model.chatRequests()[1]?.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_w', content: '{"sky":"sunny"}' });
  });

  it('tool_execution "client" (field or header) returns gateway tool calls without running them', async () => {
    const before = (await auditFor(t, 'orders__get_order')).length;
    const call = { id: 'call_c', name: 'orders__get_order', arguments: { orderId: 'ord_1001' } };
    gw.model.enqueue({ toolCalls: [call] }, { toolCalls: [call] });
    const byField = await chat(support.key, ask('look up', { tool_execution: 'client' }));
    const byHeader = await chat(support.key, ask('look up'), { 'x-toolgate-tool-execution': 'client' });
    for (const res of [byField, byHeader]) {
      expect(res.status).toBe(200);
      expect(res.body.choices[0].finish_reason).toBe('tool_calls');
      expect(res.body.choices[0].message.tool_calls[0].function.name).toBe('orders__get_order');
    }
    expect((await auditFor(t, 'orders__get_order')).length).toBe(before);
    // Our own field is not passed on to the provider, and no envelope instructions are needed.
    expect(gw.model.chatRequests()[0]?.body.tool_execution).toBeUndefined();
    expect(gw.model.chatRequests()[0]?.body.messages[0].role).toBe('user');
  });

  it('refuses bad requests naming the field (audited), and unauthenticated ones with 401', async () => {
    const unknown = await chat(support.key, ask('x', { temprature: 1 }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'BAD_REQUEST', details: { path: 'body/temprature' } });
    expect(await lastChatAudit()).toMatchObject({ errorCode: 'BAD_REQUEST', principalName: 'support-bot', decision: 'deny' });
    const role = await chat(support.key, { model: 'test-model', messages: [{ role: 'wizard', content: 'x' }] });
    expect(role.body.error.details.path).toBe('body/messages/0/role');
    const none = await chat(support.key, { model: 'test-model', messages: [] });
    expect(none.body.error.details.path).toBe('body/messages');
    const legacy = await chat(support.key, ask('x', { functions: [] }));
    expect(legacy.body.error.message).toContain('tools');
    const clash = await chat(support.key, ask('x', { tools: [{ type: 'function', function: { name: 'orders__get_order' } }] }));
    expect(clash.body.error.details.path).toBe('body/tools/0/function/name');
    const anonymous = await chat(null, ask('x'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('AUTH_MISSING');
    expect(gw.model.chatRequests()).toHaveLength(0);
  });

  it('stops calling the model when the caller goes away, and audits the turn as disconnected', async () => {
    gw.model.enqueue({ content: 'nobody reads this', delayMs: 1500 });
    const aborted = fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${support.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask('slow question')),
      signal: AbortSignal.timeout(200),
    });
    await expect(aborted).rejects.toThrow();
    let turn = await lastChatAudit();
    for (let i = 0; i < 50 && !String(turn?.reason).includes('disconnected'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      turn = await lastChatAudit();
    }
    expect(turn).toMatchObject({ principalName: 'support-bot', outcome: 'error' });
    expect(turn.reason).toContain('the caller disconnected');
  });

  it('GET /v1/models lists the configured models to authenticated callers', async () => {
    const res = await t.api('GET', '/v1/models', { key: nobody.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'list',
      data: [
        { id: 'test-model', object: 'model', created: 0, owned_by: 'scripted' },
        { id: 'slow-model', object: 'model', created: 0, owned_by: 'slow' },
      ],
    });
    expect((await t.api('GET', '/v1/models', { key: null })).status).toBe(401);
  });
});
