import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFor, startTestGateway, type TestGateway } from './support/test-gateway.js';

// Bodies Fastify refuses before the chat handler runs still get a `chat` audit event, as refused invoke bodies do.
describe('POST /v1/chat/completions with a body refused before the handler', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ TOOLGATE_SERVER__BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(async () => {
    await t.close();
  });
  const chatEvents = async () => (await auditFor(t, 'chat.completions')).filter((e: { type: string }) => e.type === 'chat');

  it('answers malformed JSON with BAD_REQUEST and audits it as a chat turn that did not run', async () => {
    const before = (await chatEvents()).length;
    const res = await t.api('POST', '/v1/chat/completions', { rawBody: '{"model": "x", ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    const events = await chatEvents();
    expect(events).toHaveLength(before + 1);
    expect(events[0]).toMatchObject({
      type: 'chat',
      surface: 'chat',
      requestId: res.body.error.requestId,
      principalName: expect.any(String),
      decision: 'deny',
      outcome: 'not_run',
      errorCode: 'BAD_REQUEST',
    });
  });

  it('answers an oversized body with BODY_TOO_LARGE, audited the same way', async () => {
    const res = await t.api('POST', '/v1/chat/completions', {
      body: { model: 'x', messages: [{ role: 'user', content: 'a'.repeat(8000) }] },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('BODY_TOO_LARGE');
    const [event] = await chatEvents();
    expect(event).toMatchObject({ requestId: res.body.error.requestId, outcome: 'not_run', errorCode: 'BODY_TOO_LARGE' });
  });

  it('reports a refused credential first, as every path does, and audits that', async () => {
    const res = await t.api('POST', '/v1/chat/completions', { key: 'tgk_nope_notasecret', rawBody: '{' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID');
    const [event] = await chatEvents();
    expect(event).toMatchObject({ requestId: res.body.error.requestId, outcome: 'not_run', errorCode: 'AUTH_INVALID' });
  });
});
