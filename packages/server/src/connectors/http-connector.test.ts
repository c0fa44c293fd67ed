import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import type { Plugin } from '../core/plugin.js';
import type { HttpBinding, HttpParameterBinding, Tool } from '../core/tool.js';
import { closedPort, sendJson, startLoopbackServer, type LoopbackServer, type RecordedRequest } from './fixtures/loopback-server.js';
import { HttpConnector, type ConnectorResult } from './http-connector.js';
import { closeAgents } from './safe-fetch.js';

let upstream: LoopbackServer;
let other: LoopbackServer;
const connector = new HttpConnector();

beforeAll(async () => {
  other = await startLoopbackServer((_req, res) => res.end('other'));
  upstream = await startLoopbackServer((req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/v1/status/503') return void res.writeHead(503).end('down for maintenance');
    if (path === '/api/v1/status/404') return sendJson(res, 404, { error: 'no such pet' });
    if (path === '/api/v1/not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{oops');
    if (path === '/api/v1/text') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('plain words');
    if (path === '/api/v1/big') return sendJson(res, 200, { data: 'x'.repeat(5_000) });
    if (path === '/api/v1/elsewhere') return void res.writeHead(302, { location: `${other.origin}/` }).end();
    return sendJson(res, 200, { method: req.method, url: req.url, body });
  });
});

afterAll(async () => {
  await closeAgents();
  await Promise.all([upstream.close(), other.close()]);
});

function plugin(overrides: Partial<Plugin> = {}): Plugin {
  return {
    id: 'p1',
    name: 'pets',
    kind: 'openapi',
    title: 'Pets',
    description: 'test upstream',
    baseUrl: `${upstream.origin}/api/v1`,
    allowPrivateNetwork: true,
    timeoutMs: 2_000,
    status: 'active',
    source: 'test',
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function tool(binding: Partial<HttpBinding>): Tool {
  return {
    id: 't1',
    pluginId: 'p1',
    pluginName: 'pets',
    name: 'pets_op',
    sourceName: 'op',
    description: 'op',
    inputSchema: { type: 'object' },
    riskTier: 'read',
    definitionHash: 'h',
    status: 'active',
    binding: { kind: 'http', method: 'GET', path: '/echo', parameters: [], ...binding },
  };
}

function param(p: Partial<HttpParameterBinding> & Pick<HttpParameterBinding, 'name' | 'in'>): HttpParameterBinding {
  return { arg: p.name, required: false, ...p };
}

async function call(
  binding: Partial<HttpBinding>,
  args: Record<string, unknown>,
  overrides: Partial<Plugin> = {},
  maxResponseBytes = 100_000,
): Promise<ConnectorResult> {
  return connector.execute({ plugin: plugin(overrides), tool: tool(binding), args, timeoutMs: 2_000, maxResponseBytes });
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected the call to fail');
}

function lastRequest(): RecordedRequest {
  const last = upstream.requests.at(-1);
  if (last === undefined) throw new Error('no request reached the upstream');
  return last;
}

/** The query string the upstream received, decoded for readability. */
async function queryFor(p: HttpParameterBinding, value: unknown): Promise<string> {
  await call({ parameters: [p] }, { [p.arg]: value });
  return decodeURIComponent(lastRequest().url.split('?')[1] ?? '');
}

describe('HttpConnector: request building', () => {
  it('joins the base path and the tool path, and parses a JSON answer', async () => {
    const res = await call({ path: '/pets' }, {});
    expect(res).toMatchObject({ status: 200, contentType: 'application/json', truncated: false });
    expect(res.body).toEqual({ method: 'GET', url: '/api/v1/pets', body: '' });
    expect(res.bytes).toBeGreaterThan(0);
  });

  it('percent-encodes path values', async () => {
    await call(
      {
        path: '/pets/{petId}/tags/{tag}',
        parameters: [param({ name: 'petId', in: 'path', required: true }), param({ name: 'tag', in: 'path', required: true })],
      },
      { petId: 'a b?#&', tag: 'ü%41' },
    );
    expect(lastRequest().url).toBe('/api/v1/pets/a%20b%3F%23%26/tags/%C3%BC%2541');
  });

  it('serializes path arrays and objects in the simple, label and matrix styles', async () => {
    const at = async (style: string, explode: boolean, value: unknown): Promise<string> => {
      await call({ path: '/p/{v}', parameters: [param({ name: 'v', in: 'path', required: true, style, explode })] }, { v: value });
      return lastRequest().url.slice('/api/v1/p/'.length);
    };
    expect(await at('simple', false, [3, 4, 5])).toBe('3,4,5');
    expect(await at('simple', true, { R: 100, G: 200 })).toBe('R=100,G=200');
    expect(await at('simple', false, { R: 100, G: 200 })).toBe('R,100,G,200');
    expect(await at('label', true, [3, 4])).toBe('.3.4');
    expect(await at('matrix', false, [3, 4])).toBe(';v=3,4');
    expect(await at('matrix', true, [3, 4])).toBe(';v=3;v=4');
    expect(await at('matrix', true, { R: 1 })).toBe(';R=1');
  });

  it.each(['..', '.', 'a/b', '/etc/passwd', '..\\x', '%2e%2e', '%2E%2e%2F', '%252e%252e', '', ['..'], { k: '..' }])(
    'refuses the path traversal attempt %j',
    async (value) => {
      const before = upstream.requests.length;
      const err = await failure(
        call({ path: '/pets/{id}', parameters: [param({ name: 'id', arg: 'petId', in: 'path', required: true })] }, { petId: value }),
      );
      expect(err).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/petId' } });
      expect(upstream.requests.length).toBe(before);
    },
  );

  it('refuses a missing path or required query argument with the path of the argument', async () => {
    const err = await failure(call({ path: '/pets/{id}', parameters: [param({ name: 'id', in: 'path', required: true })] }, {}));
    expect(err).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/id' } });
    const err2 = await failure(call({ parameters: [param({ name: 'q', in: 'query', required: true })] }, {}));
    expect(err2).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/q' } });
  });

  it.each([
    [{ style: 'form' }, 'x y&z', 'v=x y&z'],
    [{ style: 'form' }, ['a', 'b'], 'v=a&v=b'],
    [{ style: 'form', explode: false }, ['a', 'b,c'], 'v=a,b,c'],
    [{ style: 'form' }, { role: 'admin', first: 'Alex' }, 'role=admin&first=Alex'],
    [{ style: 'form', explode: false }, { role: 'admin', first: 'Alex' }, 'v=role,admin,first,Alex'],
    [{}, true, 'v=true'],
    [{}, 3.5, 'v=3.5'],
    [{}, null, 'v='],
    [{ style: 'spaceDelimited' }, ['a', 'b'], 'v=a b'],
    [{ style: 'spaceDelimited', explode: true }, ['a', 'b'], 'v=a&v=b'],
    [{ style: 'pipeDelimited' }, ['a', 'b'], 'v=a|b'],
    [{ style: 'pipeDelimited' }, ['a|b', 'c'], 'v=a|b|c'],
    [{ style: 'deepObject', explode: true }, { color: 'red', size: { w: 1 } }, 'v[color]=red&v[size][w]=1'],
  ])('serializes query %j value %j as %s', async (style, value, expected) => {
    expect(await queryFor(param({ name: 'v', in: 'query', ...style }), value)).toBe(expected);
  });

  it('keeps query delimiters literal and encodes the values', async () => {
    await call({ parameters: [param({ name: 'v', in: 'query', style: 'pipeDelimited' })] }, { v: ['a|b', 'c&d=e'] });
    expect(lastRequest().url).toBe('/api/v1/echo?v=a%7Cb|c%26d%3De');
    await call({ parameters: [param({ name: 'v', in: 'query', style: 'deepObject', explode: true })] }, { v: { 'a]b': 'c' } });
    expect(lastRequest().url).toBe('/api/v1/echo?v[a%5Db]=c');
  });

  it('omits unset optional parameters and keeps a query from the base URL', async () => {
    await call(
      { parameters: [param({ name: 'a', in: 'query' }), param({ name: 'b', in: 'query' })] },
      { b: 1 },
      { baseUrl: `${upstream.origin}/api/v1/?api-version=2` },
    );
    expect(lastRequest().url).toBe('/api/v1/echo?api-version=2&b=1');
  });

  it('sends only its own headers, declared header params and cookies', async () => {
    await call(
      {
        method: 'POST',
        parameters: [
          param({ name: 'X-Trace', arg: 'trace', in: 'header' }),
          param({ name: 'session', in: 'cookie' }),
          param({ name: 'lang', in: 'cookie' }),
        ],
        body: { arg: 'payload', contentType: 'application/json', required: true },
      },
      // Arguments named like headers are not parameters and go nowhere.
      {
        trace: 'abc',
        session: 'a;b=c',
        lang: 'en',
        payload: { n: 1 },
        authorization: 'Bearer stolen',
        'x-forwarded-for': '10.0.0.1',
        host: 'evil',
      },
    );
    const { headers, body } = lastRequest();
    expect(headers).toEqual({
      host: `127.0.0.1:${upstream.port}`,
      connection: 'keep-alive',
      accept: 'application/json, */*;q=0.5',
      'user-agent': 'toolgate/0.1',
      'x-trace': 'abc',
      cookie: 'session=a%3Bb%3Dc; lang=en',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(JSON.parse(body)).toEqual({ n: 1 });
  });

  it('ignores header params that would set framing or credential headers', async () => {
    const names = ['Authorization', 'Host', 'Content-Length', 'Transfer-Encoding', 'Cookie', 'Accept', 'Connection'];
    await call(
      { parameters: names.map((name) => param({ name, arg: name, in: 'header' })) },
      Object.fromEntries(names.map((n) => [n, 'evil'])),
    );
    expect(Object.values(lastRequest().headers)).not.toContain('evil');
  });

  it.each(['a\r\nx-evil: 1', 'a\nx-evil: 1', 'a\u0000b', 'snow\u2603'])('refuses header value %j', async (value) => {
    const before = upstream.requests.length;
    const err = await failure(call({ parameters: [param({ name: 'X-Trace', arg: 'trace', in: 'header' })] }, { trace: value }));
    expect(err).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/trace' } });
    expect(upstream.requests.length).toBe(before);
  });

  it('serializes header arrays and objects in the simple style', async () => {
    await call(
      { parameters: [param({ name: 'X-A', arg: 'a', in: 'header' }), param({ name: 'X-B', arg: 'b', in: 'header', explode: true })] },
      { a: [1, 2], b: { R: 1, G: 2 } },
    );
    expect(lastRequest().headers).toMatchObject({ 'x-a': '1,2', 'x-b': 'R=1,G=2' });
  });

  it.each([
    ['application/json', { a: [1, 2] }, '{"a":[1,2]}'],
    ['application/merge-patch+json', { a: null }, '{"a":null}'],
    [
      'application/x-www-form-urlencoded',
      { name: 'A B', tags: ['x', 'y'], meta: { k: 1 } },
      'name=A%20B&tags=x&tags=y&meta=%7B%22k%22%3A1%7D',
    ],
    ['text/plain; charset=utf-8', 'hello there', 'hello there'],
    ['text/plain', 42, '42'],
  ])('encodes a %s body', async (contentType, value, wire) => {
    await call({ method: 'PUT', body: { arg: 'b', contentType, required: true } }, { b: value });
    expect(lastRequest()).toMatchObject({ method: 'PUT', body: wire });
    expect(lastRequest().headers['content-type']).toBe(contentType);
  });

  it('refuses a missing required body and a non-object form body', async () => {
    expect(await failure(call({ method: 'POST', body: { arg: 'b', contentType: 'application/json', required: true } }, {}))).toMatchObject({
      code: 'ARGS_INVALID',
      details: { path: '/b' },
    });
    expect(
      await failure(
        call({ method: 'POST', body: { arg: 'b', contentType: 'application/x-www-form-urlencoded', required: true } }, { b: 'x' }),
      ),
    ).toMatchObject({ code: 'ARGS_INVALID', details: { path: '/b' } });
  });
});

describe('HttpConnector: answers and failures', () => {
  it('returns a 4xx as a result', async () => {
    const res = await call({ path: '/status/404' }, {});
    expect(res).toMatchObject({ status: 404, body: { error: 'no such pet' }, truncated: false });
  });

  it('turns a 5xx into UPSTREAM_ERROR with the status', async () => {
    const err = await failure(call({ path: '/status/503' }, {}));
    expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 503 }, reason: 'pets/op answered HTTP 503' });
  });

  it('falls back to text when JSON does not parse, and returns text as text', async () => {
    expect((await call({ path: '/not-json' }, {})).body).toBe('{oops');
    expect(await call({ path: '/text' }, {})).toMatchObject({ contentType: 'text/plain; charset=utf-8', body: 'plain words', bytes: 11 });
  });

  it('cuts the body at maxResponseBytes and returns the text read', async () => {
    const res = await call({ path: '/big' }, {}, {}, 100);
    expect(res.truncated).toBe(true);
    expect(res.body).toBe(`{"data":"${'x'.repeat(91)}`);
    expect(res.bytes).toBeGreaterThan(100);
  });

  it('refuses the loopback upstream when the plugin is not allowlisted', async () => {
    const err = await failure(call({}, {}, { allowPrivateNetwork: false }));
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'host 127.0.0.1 is a loopback address' });
  });

  it('refuses a redirect to another origin', async () => {
    const err = await failure(call({ path: '/elsewhere' }, {}));
    expect(err.code).toBe('UPSTREAM_REDIRECT');
    expect(other.requests).toHaveLength(0);
  });

  it('reports a closed port as unreachable', async () => {
    const port = await closedPort();
    expect((await failure(call({}, {}, { baseUrl: `http://127.0.0.1:${port}` }))).code).toBe('UPSTREAM_UNREACHABLE');
  });
});
