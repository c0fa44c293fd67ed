import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import type { McpConnection } from '../../core/plugin.js';
import { freePort, startHttpEverything, waitFor, type HttpEverything } from './fixtures/mcp-test-servers.js';
import { McpUpstream } from './mcp-upstream.js';
import type { McpUpstreamOptions } from './mcp-upstream-options.js';

const FAST: McpUpstreamOptions = { backoff: { initialDelayMs: 50, maxDelayMs: 200 }, connectTimeoutMs: 5_000 };
let streamable: HttpEverything;
let sse: HttpEverything;
let streamablePort: number;
let ssePort: number;
const started: McpUpstream[] = [];

beforeAll(async () => {
  [streamablePort, ssePort] = [await freePort(), await freePort()];
  [streamable, sse] = await Promise.all([startHttpEverything('streamableHttp', streamablePort), startHttpEverything('sse', ssePort)]);
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((upstream) => upstream.stop()));
});

afterAll(async () => {
  await Promise.all([streamable.stop(), sse.stop()]);
});

function upstreamFor(connection: McpConnection, allowPrivateNetwork: boolean, options: McpUpstreamOptions = {}): McpUpstream {
  const upstream = new McpUpstream(`http-${started.length}`, connection, { allowPrivateNetwork }, { ...FAST, ...options });
  started.push(upstream);
  upstream.start();
  return upstream;
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

function echoed(result: { content: readonly { type: string }[] }): string {
  const first = result.content[0];
  return first !== undefined && 'text' in first && typeof first.text === 'string' ? first.text : '';
}

describe.each([
  { transport: 'streamable-http' as const, path: '/mcp', port: () => streamablePort },
  { transport: 'sse' as const, path: '/sse', port: () => ssePort },
])('server-everything over $transport', ({ transport, path, port }) => {
  const connection = (host: string): McpConnection => ({ transport, url: `http://${host}:${port()}${path}` });

  it('lists and calls tools when the plugin may reach the private network', async () => {
    const upstream = upstreamFor(connection('127.0.0.1'), true);
    await upstream.waitUntilReady(10_000, { failFast: true });
    const names = (await upstream.listTools()).map((tool) => (tool as { name: string }).name);
    expect(names).toContain('echo');
    expect(echoed(await upstream.callTool('echo', { message: `over ${transport}` }, { timeoutMs: 5_000 }))).toContain(`over ${transport}`);
  });

  it.each(['127.0.0.1', 'localhost'])('refuses %s with EGRESS_BLOCKED when the plugin may not', async (host) => {
    const upstream = upstreamFor(connection(host), false);
    const err = await failure(upstream.waitUntilReady(10_000, { failFast: true }));
    expect(err.code).toBe('EGRESS_BLOCKED');
    expect(upstream.status().status).toBe('down');
    expect(upstream.status().lastError?.code).toBe('EGRESS_BLOCKED');
    // Calls keep the refusal's code, so no fallback answers for it as if the server were merely down.
    const call = await failure(upstream.callTool('echo', { message: 'x' }, { timeoutMs: 1_000 }));
    expect(call.code).toBe('EGRESS_BLOCKED');
  });
});

describe('a Streamable HTTP server that goes away', () => {
  it('takes the upstream down, and reconnects when the server is back', async () => {
    const port = await freePort();
    let server = await startHttpEverything('streamableHttp', port);
    try {
      const upstream = upstreamFor({ transport: 'streamable-http', url: `http://127.0.0.1:${port}/mcp` }, true, {
        healthCheckIntervalMs: 100,
      });
      await upstream.waitUntilReady(10_000, { failFast: true });
      await server.stop();
      await waitFor('the upstream to notice', () => upstream.status().status === 'down');
      const err = await failure(upstream.callTool('echo', { message: 'x' }, { timeoutMs: 1_000 }));
      expect(err.code).toBe('UPSTREAM_UNREACHABLE');
      server = await startHttpEverything('streamableHttp', port);
      await upstream.waitUntilReady(10_000);
      expect(upstream.status().restarts).toBeGreaterThan(0);
      expect(echoed(await upstream.callTool('echo', { message: 'again' }, { timeoutMs: 5_000 }))).toContain('again');
    } finally {
      await server.stop();
    }
  });
});

describe('HTTP connection URLs', () => {
  it.each(['file:///etc/passwd', 'not a url', 'ftp://127.0.0.1/mcp'])('refuses %s when the upstream is created', (url) => {
    let error: unknown;
    try {
      new McpUpstream('bad-url', { transport: 'streamable-http', url }, { allowPrivateNetwork: true });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('EGRESS_BLOCKED');
  });
});
