/**
 * Does the long-lived `toolgate mcp --stdio` bridge keep something per relayed message? Relays N tools/call
 * through the bridge (in this process, over in-memory stdio) to a test gateway with an MCP fixture plugin and
 * prints, every 1,000 calls, heap use and the abort listeners on the signals the bridge hands to fetch.
 *
 *   node --expose-gc --import tsx bench/stdio-bridge-listeners.ts [calls=5000]
 *
 * addEventListener is wrapped here only to find the signals that get abort listeners; nothing else changes.
 */
import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { bridgeStdioToGateway } from '../packages/server/src/cli/mcp-stdio-bridge.js';
import { fixtureStdio } from '../packages/server/src/connectors/mcp/fixtures/mcp-test-servers.js';
import { createCaller, startTestGateway } from '../packages/server/test/support/test-gateway.js';

const calls = Number(process.argv[2] ?? 5000);
// Every signal anyone adds an abort listener to, weakly (holding them would itself keep memory).
const signals = new Set<WeakRef<AbortSignal>>();
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
const addEventListener = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (this: EventTarget, type, listener, options) {
  if (type === 'abort' && this instanceof AbortSignal) signals.add(new WeakRef(this));
  return addEventListener.call(this, type, listener, options);
};
const live = (): AbortSignal[] => [...signals].flatMap((ref) => ref.deref() ?? []);
/** The most abort listeners on any one signal (Node warns past 1,500), and in total. */
const listeners = (): string => {
  const counts = live().map((s) => getEventListeners(s, 'abort').length);
  return `maxOnOneSignal=${Math.max(0, ...counts)} total=${counts.reduce((a, b) => a + b, 0)}`;
};
const heapMb = (): string => (process.memoryUsage().heapUsed / 1e6).toFixed(1);
const gc = (globalThis as { gc?: () => void }).gc;

const t = await startTestGateway({ TOOLGATE_MCP__ALLOW_STDIO: 'true' });
await t.api('POST', '/v1/admin/plugins', { body: { name: 'fixture', mcp: fixtureStdio() } });
const caller = await createCaller(t, 'bridge-bench', ['bench']);
await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:bench', target: 'plugin:fixture' } });

const stdin = new PassThrough();
const stdout = new PassThrough();
const waiting = new Map<number, () => void>();
let buffered = '';
stdout.on('data', (chunk: Buffer) => {
  buffered += chunk.toString();
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const message = JSON.parse(buffered.slice(0, nl)) as { id?: number; error?: unknown };
    buffered = buffered.slice(nl + 1);
    if (message.error !== undefined) console.error('error', JSON.stringify(message.error));
    if (message.id !== undefined) waiting.get(message.id)?.();
  }
});
const bridged = bridgeStdioToGateway({ url: t.url, key: caller.key, stdin, stdout, log: (line) => console.error(line) });
const request = (id: number, method: string, params: unknown): Promise<void> =>
  new Promise((resolve) => {
    waiting.set(id, () => (waiting.delete(id), resolve()));
    stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
  });

await request(0, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
gc?.();
console.log(`calls=0 heapMB=${heapMb()} ${listeners()}`);
const started = performance.now();
for (let i = 1; i <= calls; i++) {
  await request(i, 'tools/call', { name: 'fixture__tool_000', arguments: {} });
  if (i % 1000 === 0) console.log(`calls=${i} heapMB=${heapMb()} ${listeners()}`);
}
console.log(`${calls} calls in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (gc !== undefined) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  console.log(`after gc: heapMB=${heapMb()} ${listeners()}`);
}
stdin.end();
await bridged;
await t.close();
