import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { closedPort, startLoopbackServer, type LoopbackServer } from './fixtures/loopback-server.js';
import { closeAgents, safeFetch, type SafeFetchOptions } from './safe-fetch.js';

const OPEN: SafeFetchOptions = { timeoutMs: 2_000, maxBytes: 1_000_000, allowPrivateNetwork: true, redirects: 'refuse-cross-origin' };
const GUARDED: SafeFetchOptions = { ...OPEN, allowPrivateNetwork: false };

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected the fetch to fail');
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-length': 0 });
  res.end();
}

let main: LoopbackServer;
let other: LoopbackServer;
/** Where `main` redirects `/go-to` requests (set per test). */
let goTo = '/';

beforeAll(async () => {
  other = await startLoopbackServer((_req, res) => res.end('other'));
  main = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/hello':
        return void res.end('hello');
      case '/go-to':
        return redirect(res, 302, goTo);
      case '/hop':
        return redirect(res, 307, `/hop?n=${Number(url.searchParams.get('n') ?? 0) + 1}`);
      case '/see-other':
        return redirect(res, 303, '/echo');
      case '/echo':
        return void res.end(`${req.method} ${req.headers.authorization ?? '-'}`);
      case '/big':
        return void res.end(Buffer.alloc(10_000, 'a'));
      case '/hang':
        return; // headers never come
      case '/drip': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/cut': {
        // Chunked with a promise of more, then the socket dies: not a clean end of body.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      case '/garbage':
        return void req.socket.end('NOT HTTP\r\n\r\n');
      default:
        res.statusCode = 404;
        return void res.end('nope');
    }
  });
});

afterAll(async () => {
  await closeAgents();
  await Promise.all([main.close(), other.close()]);
});

describe('safeFetch: addresses', () => {
  it('reaches an allowlisted loopback upstream and reuses the kept-alive connection', async () => {
    const first = await safeFetch(`${main.origin}/hello`, OPEN);
    expect(first).toMatchObject({ status: 200, truncated: false, receivedBytes: 5, finalUrl: `${main.origin}/hello` });
    expect(first.body.toString()).toBe('hello');
    const connections = main.connections();
    await new Promise((r) => setImmediate(r));
    await safeFetch(`${main.origin}/hello`, OPEN);
    expect(main.connections()).toBe(connections);
  });

  it.each([
    ['http://127.0.0.1:PORT/hello', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1:PORT/hello', '127.0.0.1', 'loopback'],
    ['http://0x7f.1:PORT/hello', '127.0.0.1', 'loopback'],
    ['http://2130706433:PORT/hello', '127.0.0.1', 'loopback'],
    ['http://127.1:PORT/hello', '127.0.0.1', 'loopback'],
    ['http://[::ffff:127.0.0.1]:PORT/hello', '::ffff:7f00:1', 'ipv4Mapped/loopback'],
    ['http://[::ffff:7f00:1]:PORT/hello', '::ffff:7f00:1', 'ipv4Mapped/loopback'],
    ['http://[::1]:PORT/hello', '::1', 'loopback'],
    ['http://0.0.0.0:PORT/hello', '0.0.0.0', 'unspecified'],
    ['http://0:PORT/hello', '0.0.0.0', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'linkLocal'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254', 'uniqueLocal'],
    ['http://10.0.0.1/', '10.0.0.1', 'private'],
    ['http://172.16.5.4/', '172.16.5.4', 'private'],
    ['http://192.168.0.1/', '192.168.0.1', 'private'],
    ['http://100.64.0.1/', '100.64.0.1', 'carrierGradeNat'],
    ['http://[fe80::1]/', 'fe80::1', 'linkLocal'],
    ['https://127.0.0.1/', '127.0.0.1', 'loopback'],
  ])('refuses %s before connecting', async (template, ip, range) => {
    const before = main.connections();
    const err = await failure(safeFetch(template.replace('PORT', String(main.port)), GUARDED));
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED', reason: `host ${ip} is a ${range} address` });
    expect(main.connections()).toBe(before);
  });

  it('refuses localhost after resolving it', async () => {
    const before = main.connections();
    const err = await failure(safeFetch(`http://localhost:${main.port}/hello`, GUARDED));
    expect(err.code).toBe('EGRESS_BLOCKED');
    expect(err.reason).toMatch(/^host localhost resolved to (127\.0\.0\.1|::1) \(loopback\)$/);
    expect(main.connections()).toBe(before);
  });

  it('allows one exact allowlisted address but not its neighbours', async () => {
    const allow = { ...GUARDED, allowedAddresses: ['127.0.0.1'] };
    expect((await safeFetch(`${main.origin}/hello`, allow)).status).toBe(200);
    const err = await failure(safeFetch(`http://127.0.0.2:${main.port}/hello`, allow));
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'host 127.0.0.2 is a loopback address' });
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/', 'gopher://127.0.0.1:70/', 'data:text/plain,hi', 'javascript:alert(1)'])(
    'refuses the scheme of %s',
    async (url) => {
      const err = await failure(safeFetch(url, OPEN));
      expect(err.code).toBe('EGRESS_BLOCKED');
      expect(err.reason).toMatch(/^scheme ".+" is not allowed; only http: and https:$/);
    },
  );

  it('refuses something that is not a URL', async () => {
    expect(await failure(safeFetch('not a url', OPEN))).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'not a valid absolute URL' });
  });
});

describe('safeFetch: redirects', () => {
  it('follows a same-origin redirect', async () => {
    goTo = '/hello';
    const res = await safeFetch(`${main.origin}/go-to`, OPEN);
    expect(res).toMatchObject({ status: 200, finalUrl: `${main.origin}/hello` });
    expect(res.body.toString()).toBe('hello');
  });

  it.each([
    ['another port', () => `${other.origin}/`],
    ['another host name for the same server', () => `http://localhost:${main.port}/hello`],
    ['another scheme', () => `https://127.0.0.1:${main.port}/hello`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses a tool-call redirect to %s', async (_what, target) => {
    goTo = target();
    const before = other.requests.length;
    const err = await failure(safeFetch(`${main.origin}/go-to`, OPEN));
    expect(err.code).toBe('UPSTREAM_REDIRECT');
    expect(err.reason).toBe(`${main.origin} redirected to ${new URL(goTo).origin}`);
    expect(other.requests.length).toBe(before);
  });

  it('stops after three same-origin hops', async () => {
    const err = await failure(safeFetch(`${main.origin}/hop`, OPEN));
    expect(err).toMatchObject({ code: 'UPSTREAM_REDIRECT', reason: `more than 3 redirects, last from ${main.origin}` });
  });

  it('continues a 303 after POST as a GET without the body', async () => {
    const res = await safeFetch(`${main.origin}/see-other`, {
      ...OPEN,
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.body.toString()).toBe('GET -');
    expect(main.requests.at(-1)).toMatchObject({ method: 'GET', body: '' });
    expect(main.requests.at(-1)?.headers['content-type']).toBeUndefined();
  });

  describe('follow-checked (specs and manifests)', () => {
    // The first hop must be allowed while loopback is the only thing we can listen on, so the
    // guard runs with an exact allowlist of 127.0.0.1: every other non-public address is refused.
    const CHECKED: SafeFetchOptions = { ...GUARDED, redirects: 'follow-checked', allowedAddresses: ['127.0.0.1'] };

    it('follows a redirect to another origin and drops credentials on the way', async () => {
      goTo = `${other.origin}/spec.json`;
      const res = await safeFetch(`${main.origin}/go-to`, { ...CHECKED, headers: { authorization: 'Bearer s3cret', 'x-keep': '1' } });
      expect(res).toMatchObject({ status: 200, finalUrl: `${other.origin}/spec.json` });
      expect(other.requests.at(-1)?.headers.authorization).toBeUndefined();
      expect(other.requests.at(-1)?.headers['x-keep']).toBe('1');
    });

    it.each([
      ['http://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is a linkLocal address'],
      ['http://[::1]:1/', 'host ::1 is a loopback address'],
      ['http://127.0.0.2:1/', 'host 127.0.0.2 is a loopback address'],
      ['http://[::ffff:10.0.0.1]/', 'host ::ffff:a00:1 is a ipv4Mapped/private address'],
      ['http://0x0a.0.0.1/', 'host 10.0.0.1 is a private address'],
    ])('re-checks the hop into %s', async (target, reason) => {
      goTo = target;
      expect(await failure(safeFetch(`${main.origin}/go-to`, CHECKED))).toMatchObject({ code: 'EGRESS_BLOCKED', reason });
    });

    it('follows at most maxRedirects hops', async () => {
      const err = await failure(safeFetch(`${main.origin}/hop`, { ...CHECKED, maxRedirects: 2 }));
      expect(err).toMatchObject({ code: 'UPSTREAM_REDIRECT', reason: `more than 2 redirects, last from ${main.origin}` });
    });

    it('refuses a redirect to another scheme', async () => {
      goTo = 'file:///etc/passwd';
      expect(await failure(safeFetch(`${main.origin}/go-to`, CHECKED))).toMatchObject({ code: 'EGRESS_BLOCKED' });
    });
  });
});

describe('safeFetch: failures and limits', () => {
  it('times out an upstream that never answers', async () => {
    const err = await failure(safeFetch(`${main.origin}/hang`, { ...OPEN, timeoutMs: 200 }));
    expect(err).toMatchObject({ code: 'UPSTREAM_TIMEOUT', reason: `${main.origin} did not finish answering within 200 ms` });
  });

  it('times out a body that drips past the deadline', async () => {
    const err = await failure(safeFetch(`${main.origin}/drip`, { ...OPEN, timeoutMs: 200 }));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('reports a closed port as unreachable', async () => {
    const port = await closedPort();
    const err = await failure(safeFetch(`http://127.0.0.1:${port}/`, OPEN));
    expect(err.code).toBe('UPSTREAM_UNREACHABLE');
    expect(err.reason).toContain('ECONNREFUSED');
  });

  it('reports a socket destroyed mid-response as unreachable', async () => {
    const err = await failure(safeFetch(`${main.origin}/cut`, OPEN));
    expect(err.code).toBe('UPSTREAM_UNREACHABLE');
  });

  it('reports an answer that is not HTTP as an upstream error', async () => {
    const err = await failure(safeFetch(`${main.origin}/garbage`, OPEN));
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.reason).toContain('HTTPParserError');
  });

  it('reads at most maxBytes and says the body was truncated', async () => {
    const res = await safeFetch(`${main.origin}/big`, { ...OPEN, maxBytes: 1_000 });
    expect(res.truncated).toBe(true);
    expect(res.body.length).toBe(1_000);
    expect(res.receivedBytes).toBeGreaterThan(1_000);
    expect(res.receivedBytes).toBeLessThanOrEqual(10_000);
  });

  it('does not call a body of exactly maxBytes truncated', async () => {
    const res = await safeFetch(`${main.origin}/big`, { ...OPEN, maxBytes: 10_000 });
    expect(res).toMatchObject({ truncated: false, receivedBytes: 10_000 });
  });

  it('returns a 404 as a response', async () => {
    const res = await safeFetch(`${main.origin}/missing`, OPEN);
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe('nope');
  });
});
