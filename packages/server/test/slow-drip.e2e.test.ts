import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../src/connectors/fixtures/loopback-server.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';
import { okOperation } from './support/ok-operation.js';

/** How one response of the dripping upstream ended: `finished` is false when the gateway hung up first. */
interface Ending {
  readonly path: string;
  readonly finished: boolean;
}

const MAX_RESPONSE_BYTES = 1024;
// Timeouts far from the drips' durations, so no test depends on how fast this machine is.
const SHORT_TIMEOUT_MS = 300;
const LONG_TIMEOUT_MS = 20_000;
const DRIP_MS = 25;

/**
 * Upstreams that answer slowly on purpose: headers at once and then the body a byte at a time, headers only after a
 * long wait, or the status line itself a byte at a time. The plugin's timeout covers the whole exchange, so each
 * ends in UPSTREAM_TIMEOUT with the connection closed, never in a hang or a partial body passed off as whole.
 */
describe('slow-drip upstreams', () => {
  let t: TestGateway;
  let upstream: LoopbackServer;
  let trickle: RawTrickleServer;
  let caller: { key: string };
  const endings: Ending[] = [];

  const spec = {
    openapi: '3.1.0',
    info: { title: 'Drips', version: '1' },
    paths: {
      '/drip-slow': okOperation('drip_slow'),
      '/drip-fast': okOperation('drip_fast'),
      '/drip-big': okOperation('drip_big'),
      '/late-headers': okOperation('late_headers', 'post'),
      '/status-line': okOperation('status_line'),
    },
  };

  /** Writes `chunk` every `everyMs` until `times` chunks are out (then ends) or the gateway hangs up. */
  function drip(res: ServerResponse, path: string, chunk: string, everyMs: number, times: number): void {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    let sent = 0;
    const timer = setInterval(() => {
      res.write(chunk);
      sent += 1;
      if (sent === times) {
        clearInterval(timer);
        res.end();
      }
    }, everyMs);
    res.on('close', () => {
      clearInterval(timer);
      endings.push({ path, finished: res.writableFinished });
    });
  }

  beforeAll(async () => {
    upstream = await startLoopbackServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path === '/drip-slow') return drip(res, path, 'x', DRIP_MS, 400); // 10 s: far past the timeout
      if (path === '/drip-fast') return drip(res, path, 'y', 5, 20); // 20 bytes in about 0.1 s
      if (path === '/drip-big') return drip(res, path, 'z'.repeat(64), 5, 1_000_000); // until cut off
      if (path === '/late-headers') {
        const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('late'), 10_000);
        res.on('close', () => {
          clearTimeout(timer);
          endings.push({ path, finished: res.writableFinished });
        });
        return;
      }
      res.writeHead(404).end();
    });
    trickle = await startRawTrickleServer(DRIP_MS);
    t = await startTestGateway({
      TOOLGATE_LIMITS__MAX_RESPONSE_BYTES: String(MAX_RESPONSE_BYTES),
      TOOLGATE_RESILIENCE__RETRY__BASE_DELAY_MS: '5',
      TOOLGATE_RESILIENCE__RETRY__MAX_DELAY_MS: '20',
      // Every timeout counts against the breaker; keep it out of the way of the attempt counts.
      TOOLGATE_RESILIENCE__BREAKER__CONSECUTIVE_FAILURES: '1000',
      TOOLGATE_RESILIENCE__PLUGINS: JSON.stringify({ drips: { retry: { maxAttempts: 2 } }, trickle: { retry: { maxAttempts: 3 } } }),
    });
    const plugins = [
      { name: 'drips', baseUrl: upstream.origin, timeoutMs: SHORT_TIMEOUT_MS },
      { name: 'patient', baseUrl: upstream.origin, timeoutMs: LONG_TIMEOUT_MS },
      { name: 'trickle', baseUrl: trickle.origin, timeoutMs: SHORT_TIMEOUT_MS },
    ];
    for (const p of plugins) {
      const res = await t.api('POST', '/v1/admin/plugins', { body: { ...p, spec: JSON.stringify(spec), allowPrivateNetwork: true } });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: `plugin:${p.name}` } });
    }
    caller = await createCaller(t, 'agent', ['agents']);
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
    await trickle.close();
  });

  const invoke = (tool: string) => t.api('POST', `/v1/tools/${tool}/invoke`, { key: caller.key, body: { arguments: {} } });
  const seen = (path: string) => upstream.requests.filter((r) => r.url.split('?')[0] === path).length;
  const endingsOf = (path: string) => endings.filter((e) => e.path === path);

  it('a body drip that outlasts the timeout ends in UPSTREAM_TIMEOUT after the configured attempts, each connection closed', async () => {
    const res = await invoke('drips__drip_slow');
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('UPSTREAM_TIMEOUT');
    // No partial body passed off as a result.
    expect(res.body).not.toHaveProperty('content');
    // A read tool: retried up to the plugin's `retry.maxAttempts` (2), every attempt timed out.
    expect(seen('/drip-slow')).toBe(2);
    // The gateway hung up on each attempt mid-body; the upstream saw the close rather than finishing its drip.
    await expect.poll(() => endingsOf('/drip-slow').length, { timeout: 5000, interval: 20 }).toBe(2);
    expect(endingsOf('/drip-slow').every((e) => !e.finished)).toBe(true);
    const [event] = await auditFor(t, 'drips__drip_slow');
    expect(event).toMatchObject({ errorCode: 'UPSTREAM_TIMEOUT', decision: 'allow', outcome: 'error' });
    expect(event.reason).toContain(`within ${SHORT_TIMEOUT_MS} ms`);
    expect(event.reason).toContain('after 2 attempts');
  });

  it('a body drip that finishes within the timeout is a whole result', async () => {
    const res = await invoke('patient__drip_fast');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ content: 'y'.repeat(20), truncated: false });
    expect(seen('/drip-fast')).toBe(1);
    await expect.poll(() => endingsOf('/drip-fast'), { timeout: 5000, interval: 20 }).toEqual([{ path: '/drip-fast', finished: true }]);
  });

  it('a body drip past limits.maxResponseBytes is cut with the truncation marker and the connection closed', async () => {
    const res = await invoke('patient__drip_big');
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(true);
    expect(res.body.content).toMatch(
      new RegExp(
        `^z{${MAX_RESPONSE_BYTES}}\\n\\[truncated by Toolgate: the result had more than \\d+ bytes; the first ${MAX_RESPONSE_BYTES} characters are shown\\]$`,
      ),
    );
    // A cut answer is a result, not a failure: one request, no retry.
    expect(seen('/drip-big')).toBe(1);
    // The rest was not read: the gateway closed the connection instead of draining an endless body.
    await expect.poll(() => endingsOf('/drip-big'), { timeout: 5000, interval: 20 }).toEqual([{ path: '/drip-big', finished: false }]);
    const [event] = await auditFor(t, 'patient__drip_big');
    expect(event).toMatchObject({ decision: 'allow', outcome: 'success', errorCode: null });
  });

  it('headers that come only after the timeout → UPSTREAM_TIMEOUT, and a write tool is not retried', async () => {
    const res = await invoke('drips__late_headers');
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(seen('/late-headers')).toBe(1);
    await expect
      .poll(() => endingsOf('/late-headers'), { timeout: 5000, interval: 20 })
      .toEqual([{ path: '/late-headers', finished: false }]);
    const [event] = await auditFor(t, 'drips__late_headers');
    expect(event).toMatchObject({ errorCode: 'UPSTREAM_TIMEOUT', outcome: 'error' });
  });

  it('a status line dripped a byte at a time → UPSTREAM_TIMEOUT after the configured attempts, each connection closed', async () => {
    const res = await invoke('trickle__status_line');
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('UPSTREAM_TIMEOUT');
    // A read tool on a plugin allowed three attempts: three requests, each hung up on by the gateway.
    expect(trickle.requests()).toBe(3);
    await expect.poll(() => trickle.closedEarly(), { timeout: 5000, interval: 20 }).toBe(3);
    const [event] = await auditFor(t, 'trickle__status_line');
    expect(event).toMatchObject({ errorCode: 'UPSTREAM_TIMEOUT', outcome: 'error' });
    expect(event.reason).toContain('after 3 attempts');
  });
});

interface RawTrickleServer {
  readonly origin: string;
  /** Requests received so far, one per connection. */
  requests(): number;
  /** Requests whose connection the client closed before the whole response was written. */
  closedEarly(): number;
  close(): Promise<void>;
}

/** A TCP server that answers any request with an HTTP response whose status line and headers come one byte every `everyMs`. */
async function startRawTrickleServer(everyMs: number): Promise<RawTrickleServer> {
  const response = `HTTP/1.1 200 OK\r\nx-padding: ${'p'.repeat(400)}\r\ncontent-length: 2\r\n\r\nok`;
  const sockets = new Set<Socket>();
  let requests = 0;
  let closedEarly = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    // Counted by the request, not the connection: undici may open a connection it then closes unused.
    socket.once('data', () => {
      requests += 1;
      timer = setInterval(() => {
        socket.write(response.slice(sent, sent + 1));
        sent += 1;
        if (sent === response.length) clearInterval(timer);
      }, everyMs);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      if (timer !== undefined && sent < response.length) closedEarly += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => requests,
    closedEarly: () => closedEarly,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
