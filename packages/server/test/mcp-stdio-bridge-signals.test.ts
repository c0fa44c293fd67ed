import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeStdioToGateway } from '../src/cli/mcp-stdio-bridge.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

// Regression: the long-lived bridge handed every relayed message's fetch the transport's one AbortSignal, and
// Node's fetch left an abort listener on it per request until a GC (2,390 after 5,000 calls, with warnings).
describe('toolgate mcp --stdio, relaying many messages', () => {
  let t: TestGateway;
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await t.close();
  });

  it('gives no signal to more than one request, and leaves no pile of abort listeners on any', async () => {
    // Watches what the bridge's requests carry; every request still goes out through the real fetch.
    const uses = new Map<AbortSignal, number>();
    globalThis.fetch = (input, init) => {
      if (init?.signal) uses.set(init.signal, (uses.get(init.signal) ?? 0) + 1);
      return realFetch(input, init);
    };
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const answered = new Set<number>();
    let buffered = '';
    stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const message = JSON.parse(buffered.slice(0, nl)) as { id?: number };
        buffered = buffered.slice(nl + 1);
        if (typeof message.id === 'number') answered.add(message.id);
      }
    });
    const bridged = bridgeStdioToGateway({ url: t.url, key: t.adminKey, stdin, stdout, log: () => undefined });
    const send = async (id: number, method: string, params: unknown = {}): Promise<void> => {
      stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      while (!answered.has(id)) await new Promise((resolve) => setImmediate(resolve));
    };
    await send(0, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'leak-test', version: '1' } });
    const calls = 300;
    for (let id = 1; id <= calls; id++) await send(id, id % 2 === 0 ? 'ping' : 'tools/list');
    stdin.end();
    await bridged;
    globalThis.fetch = realFetch;

    expect(uses.size).toBeGreaterThan(calls);
    expect(Math.max(...uses.values())).toBe(1);
    for (const signal of uses.keys()) expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(1);
  }, 60_000);
});
