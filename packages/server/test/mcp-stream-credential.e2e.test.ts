import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'stream-test', version: '1.0.0' } },
};

/**
 * Regression: a notification stream outlived its credential when nothing announced the change (a key reaching
 * its expiry), and its keep-alives extended the stored session forever. Keep-alives now re-check the credential.
 */
describe('an MCP notification stream lives only as long as its credential', () => {
  let t: TestGateway;
  let now = Date.parse('2026-06-01T10:00:00Z');

  beforeAll(async () => {
    t = await startTestGateway({ TOOLGATE_MCP__KEEP_ALIVE_SECONDS: '1' }, { clock: { now: () => now } });
  });
  afterAll(async () => t.close());

  it('ends the stream at the first keep-alive after the key expired', async () => {
    const caller = await createCaller(t, 'short-lived', [], { expiresAt: new Date(now + 60_000).toISOString() });
    const init = await fetch(new URL('/mcp', t.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${caller.key}`, accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify(INIT),
    });
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    expect(sessionId).not.toBe('');
    await init.text();
    const res = await fetch(new URL('/mcp', t.url), {
      headers: { authorization: `Bearer ${caller.key}`, 'mcp-session-id': sessionId, accept: 'text/event-stream' },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    // While the key is valid the stream carries keep-alives.
    while (!received.includes(': keep-alive')) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      received += chunk.value ?? '';
    }
    now += 120_000;
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  }, 30_000);
});
