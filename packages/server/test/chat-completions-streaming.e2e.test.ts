import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postChat, startChatGateway, type ChatGateway, type SseEvent } from './support/chat-gateway.js';
import { auditFor, createCaller, type TestGateway } from './support/test-gateway.js';

const EVENTS = { 'x-toolgate-events': 'true' };

/** The `chat.completion.chunk` events, parsed (no [DONE], no error event, no tool events). */
function chunks(events: SseEvent[]) {
  return events
    .filter((e) => e.event === undefined && e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data))
    .filter((data) => data.object === 'chat.completion.chunk');
}
function toolEvents(events: SseEvent[]) {
  return events.filter((e) => e.event === 'toolgate.tool_call').map((e) => JSON.parse(e.data));
}
function streamedText(events: SseEvent[]): string {
  return chunks(events)
    .map((c) => c.choices[0]?.delta?.content ?? '')
    .join('');
}

describe('streamed chat completions, tool events and the official OpenAI SDK', () => {
  let gw: ChatGateway;
  let t: TestGateway;
  let key: string;

  beforeAll(async () => {
    gw = await startChatGateway();
    t = gw.t;
    key = (await createCaller(t, 'streamer', ['support'])).key;
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'plugin:orders' } });
  });
  afterAll(async () => gw.close());
  beforeEach(() => gw.model.reset());

  const ask = (text: string, extra: Record<string, unknown> = {}) => ({
    model: 'test-model',
    messages: [{ role: 'user', content: text }],
    stream: true,
    ...extra,
  });

  it('streams the final answer from the provider, with tool events, a usage chunk and [DONE]', async () => {
    gw.model.enqueue(
      {
        toolCalls: [
          { id: 'call_s', name: 'orders__get_order', arguments: { orderId: 'ord_1001' } },
          { id: 'call_n', name: 'orders__nope', arguments: {} },
        ],
      },
      { content: 'Order ord_1001 is paid.', streamChunkSize: 5 },
    );
    const res = await postChat(t, key, ask('status?', { stream_options: { include_usage: true } }), EVENTS);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.events.at(-1)?.data).toBe('[DONE]');

    const all = chunks(res.events);
    expect(all[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant' } }] });
    // The provider's chunks are passed on as they come, not as one block at the end.
    expect(all.filter((c) => typeof c.choices[0]?.delta?.content === 'string' && c.choices[0].delta.content !== '').length).toBeGreaterThan(
      2,
    );
    expect(streamedText(res.events)).toBe('Order ord_1001 is paid.');
    expect(all.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(all.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 } });
    expect(new Set(all.map((c) => c.id)).size).toBe(1);

    const events = toolEvents(res.events);
    expect(events).toEqual([
      { phase: 'started', callId: 'call_s', tool: 'orders__get_order', arguments: { orderId: 'ord_1001' } },
      {
        phase: 'finished',
        callId: 'call_s',
        tool: 'orders__get_order',
        arguments: { orderId: 'ord_1001' },
        decision: 'allow',
        latencyMs: expect.any(Number),
        auditCallId: expect.any(String),
      },
      { phase: 'started', callId: 'call_n', tool: 'orders__nope', arguments: {} },
      {
        phase: 'finished',
        callId: 'call_n',
        tool: 'orders__nope',
        arguments: {},
        decision: 'deny',
        errorCode: 'TOOL_NOT_FOUND',
        latencyMs: expect.any(Number),
      },
    ]);
    for (const request of gw.model.chatRequests())
      expect(request.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('sends no tool events without X-Toolgate-Events, and no usage chunk unless asked', async () => {
    gw.model.enqueue({ toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1001' } }] }, { content: 'Paid.' });
    const res = await postChat(t, key, ask('status?'));
    expect(toolEvents(res.events)).toEqual([]);
    expect(chunks(res.events).some((c) => c.usage !== undefined)).toBe(false);
    expect(streamedText(res.events)).toBe('Paid.');
  });

  it('streams an approval stop and client tool calls as the closing chunks', async () => {
    gw.model.enqueue({
      toolCalls: [{ id: 'call_r', name: 'orders__refund_order', arguments: { orderId: 'ord_1001', body: { amount: 1 } } }],
    });
    const approval = await postChat(t, key, ask('refund'), EVENTS);
    expect(toolEvents(approval.events).at(-1)).toMatchObject({
      phase: 'finished',
      decision: 'approval_required',
      errorCode: 'APPROVAL_PENDING',
    });
    expect(streamedText(approval.events)).toContain('call_r');
    const last = chunks(approval.events).at(-1);
    expect(last.choices[0].finish_reason).toBe('stop');
    expect(last.toolgate.pendingApprovals[0]).toMatchObject({ toolCallId: 'call_r', approvalId: expect.stringMatching(/^apr_/) });

    const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };
    gw.model.enqueue({ toolCalls: [{ id: 'call_w', name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const client = await postChat(t, key, ask('weather', { tools: [weather] }));
    const withCalls = chunks(client.events).find((c) => c.choices[0]?.delta?.tool_calls);
    expect(withCalls.choices[0].delta.tool_calls).toEqual([
      { index: 0, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(chunks(client.events).at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('errors before the stream starts are JSON with their status; after, an SSE error event', async () => {
    const unknown = await postChat(t, key, ask('x', { model: 'nope' }));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe('MODEL_NOT_FOUND');

    gw.model.enqueue({ status: 503 });
    const failed = await postChat(t, key, ask('x'));
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.text).error.code).toBe('MODEL_PROVIDER_ERROR');

    gw.model.enqueue({ content: 'This answer is cut short', streamChunkSize: 3, cutStreamAfter: 4 });
    const cut = await postChat(t, key, ask('x'));
    expect(cut.status).toBe(200);
    expect(streamedText(cut.events)).toBe('This answer'.slice(0, 9));
    const error = JSON.parse(cut.events.at(-1)?.data ?? '');
    expect(error.error).toMatchObject({ code: 'MODEL_PROVIDER_ERROR', retryable: true });
    expect(cut.events.some((e) => e.data === '[DONE]')).toBe(false);
    expect((await auditFor(t, 'chat.completions'))[0]).toMatchObject({ errorCode: 'MODEL_PROVIDER_ERROR', outcome: 'error' });
  });

  it('works with the official openai SDK, without and with streaming', async () => {
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: key, maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['test-model', 'slow-model']);

    gw.model.enqueue({ toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1002' } }] }, { content: 'It is pending.' });
    const completion = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'ord_1002?' }] });
    expect(completion.choices[0]?.message.content).toBe('It is pending.');
    expect(completion.usage?.total_tokens).toBe(30);

    gw.model.enqueue({ toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1002' } }] }, { content: 'Streamed: pending.' });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'ord_1002?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let total: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      total = chunk.usage?.total_tokens ?? total;
    }
    expect(text).toBe('Streamed: pending.');
    expect(total).toBe(30);

    await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'MODEL_NOT_FOUND',
    });
  });
});
