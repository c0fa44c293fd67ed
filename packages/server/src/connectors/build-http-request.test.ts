import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import type { HttpBinding, HttpParameterBinding } from '../core/tool.js';
import { buildHttpRequest } from './build-http-request.js';

const BASE = 'https://api.example.com/v1';

/** A GET binding with these parameters, as the OpenAPI importer writes them (arg = wire name unless given). */
function binding(
  parameters: (Omit<HttpParameterBinding, 'arg' | 'required'> & { arg?: string; required?: boolean })[],
  path = '/items',
): HttpBinding {
  return {
    kind: 'http',
    method: 'GET',
    path,
    parameters: parameters.map((p) => ({ ...p, arg: p.arg ?? p.name, required: p.required ?? false })),
  };
}

/** The raw query string sent (still percent-encoded), so delimiters and encoding are both visible. */
function query(b: HttpBinding, args: Record<string, unknown>): string {
  return new URL(buildHttpRequest(BASE, b, args).url).search.slice(1);
}

function argsInvalid(run: () => unknown): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'ARGS_INVALID') return err;
    throw err;
  }
  throw new Error('expected ARGS_INVALID');
}

describe('buildHttpRequest: query parameter styles', () => {
  const tags = ['a b', 'c,d', 'e|f&g'];

  it('form, exploded (the default): the key repeats', () => {
    expect(query(binding([{ name: 'ids', in: 'query', style: 'form', explode: true }]), { ids: [1, 2, 3] })).toBe('ids=1&ids=2&ids=3');
    expect(query(binding([{ name: 'tag', in: 'query' }]), { tag: tags })).toBe('tag=a%20b&tag=c%2Cd&tag=e%7Cf%26g');
  });

  it('form, not exploded: one key, values joined by a literal comma, commas inside values encoded', () => {
    expect(query(binding([{ name: 'tags', in: 'query', style: 'form', explode: false }]), { tags })).toBe('tags=a%20b,c%2Cd,e%7Cf%26g');
  });

  it('spaceDelimited and pipeDelimited', () => {
    expect(query(binding([{ name: 'w', in: 'query', style: 'spaceDelimited', explode: false }]), { w: ['x', 'y z'] })).toBe('w=x%20y%20z');
    expect(query(binding([{ name: 'c', in: 'query', style: 'pipeDelimited', explode: false }]), { c: ['red', 'a|b'] })).toBe('c=red|a%7Cb');
  });

  it('form objects: exploded into their own keys, or key,value pairs', () => {
    const point = { lat: 1.5, lon: -2 };
    expect(query(binding([{ name: 'p', in: 'query', style: 'form', explode: true }]), { p: point })).toBe('lat=1.5&lon=-2');
    expect(query(binding([{ name: 'p', in: 'query', style: 'form', explode: false }]), { p: point })).toBe('p=lat,1.5,lon,-2');
  });

  it('deepObject, nested, with keys and values encoded', () => {
    const filter = { status: 'open', owner: { id: 'u 1' }, 'a]b': 'x' };
    expect(query(binding([{ name: 'filter', in: 'query', style: 'deepObject', explode: true }]), { filter })).toBe(
      'filter[status]=open&filter[owner][id]=u%201&filter[a%5Db]=x',
    );
  });

  it('scalars, booleans, null, empty arrays, and unset optional parameters', () => {
    const b = binding([
      { name: 'q', in: 'query' },
      { name: 'on', in: 'query' },
      { name: 'none', in: 'query' },
      { name: 'empty', in: 'query' },
      { name: 'unset', in: 'query' },
    ]);
    expect(query(b, { q: 'ä/?#&=', on: false, none: null, empty: [] })).toBe('q=%C3%A4%2F%3F%23%26%3D&on=false&none=');
  });

  it('keeps a query from the base URL first', () => {
    const url = buildHttpRequest('https://api.example.com/v1?api-version=2', binding([{ name: 'q', in: 'query' }]), { q: 'x' }).url;
    expect(url).toBe('https://api.example.com/v1/items?api-version=2&q=x');
  });
});

describe('buildHttpRequest: path parameters', () => {
  const b = binding([{ name: 'id', in: 'path', style: 'simple', explode: false, required: true }], '/files/{id}/meta');

  it('percent-encodes values', () => {
    expect(buildHttpRequest(BASE, b, { id: 'a b?c#d%e' }).url).toBe('https://api.example.com/v1/files/a%20b%3Fc%23d%25e/meta');
    expect(buildHttpRequest(BASE, b, { id: 42 }).url).toBe('https://api.example.com/v1/files/42/meta');
  });

  it('refuses values that could traverse paths, also when percent-encoded once or twice', () => {
    for (const id of ['..', '.', '', 'a/b', 'a\\b', '%2e%2e', '%252e%252e', '..%2fadmin', '%252F']) {
      expect(argsInvalid(() => buildHttpRequest(BASE, b, { id })).reason).toContain('could traverse paths');
    }
  });

  it('label and matrix styles', () => {
    const label = binding([{ name: 'ids', in: 'path', style: 'label', explode: false, required: true }], '/x/{ids}');
    expect(buildHttpRequest(BASE, label, { ids: [1, 2] }).url).toBe('https://api.example.com/v1/x/.1,2');
    const matrix = binding([{ name: 'ids', in: 'path', style: 'matrix', explode: true, required: true }], '/x/{ids}');
    expect(buildHttpRequest(BASE, matrix, { ids: [1, 2] }).url).toBe('https://api.example.com/v1/x/;ids=1;ids=2');
  });
});

describe('buildHttpRequest: headers and cookies', () => {
  it('sends declared headers and cookies, never reserved headers', () => {
    const b = binding([
      { name: 'X-Request-Id', in: 'header', style: 'simple' },
      { name: 'Authorization', in: 'header', style: 'simple' },
      { name: 'session', in: 'cookie', style: 'form' },
      { name: 'theme', in: 'cookie', style: 'form' },
    ]);
    const built = buildHttpRequest(BASE, b, { 'X-Request-Id': 'r-1', Authorization: 'Bearer stolen', session: 'a b;c', theme: 'dark' });
    expect(built.headers).toEqual({
      accept: 'application/json, */*;q=0.5',
      'user-agent': 'toolgate/0.1',
      'x-request-id': 'r-1',
      cookie: 'session=a%20b%3Bc; theme=dark',
    });
  });

  it('refuses header values with line breaks', () => {
    const b = binding([{ name: 'X-Note', in: 'header', style: 'simple' }]);
    expect(argsInvalid(() => buildHttpRequest(BASE, b, { 'X-Note': 'a\r\nX-Evil: 1' })).reason).toContain('control characters');
  });
});

describe('buildHttpRequest: bodies', () => {
  const post = (contentType: string): HttpBinding => ({
    kind: 'http',
    method: 'POST',
    path: '/things',
    parameters: [],
    body: { arg: 'body', contentType, required: true },
  });

  it('JSON, form-urlencoded (arrays repeat the key) and text', () => {
    expect(buildHttpRequest(BASE, post('application/json'), { body: { a: [1] } }).body).toBe('{"a":[1]}');
    expect(buildHttpRequest(BASE, post('application/x-www-form-urlencoded'), { body: { q: 'a b&c', n: [1, 2] } }).body).toBe(
      'q=a%20b%26c&n=1&n=2',
    );
    const text = buildHttpRequest(BASE, post('text/plain; charset=utf-8'), { body: 'héllo' });
    expect([text.headers['content-type'], text.body]).toEqual(['text/plain; charset=utf-8', 'héllo']);
  });

  it('multipart/form-data: one part per field (arrays repeat it), objects as JSON parts, with a fresh boundary', () => {
    const built = buildHttpRequest(BASE, post('multipart/form-data'), {
      body: { to: ['a@example.com', 'b@example.com'], n: 2, ok: true, meta: { t: 1 }, 'we"ird\r\nname': 'x' },
    });
    const boundary = /^multipart\/form-data; boundary=(toolgate-[0-9a-f]{24})$/.exec(built.headers['content-type'] ?? '')?.[1] ?? '';
    expect(boundary).not.toBe('');
    const part = (name: string, value: string, json = false): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${json ? 'Content-Type: application/json\r\n' : ''}\r\n${value}\r\n`;
    expect(built.body).toBe(
      part('to', 'a@example.com') +
        part('to', 'b@example.com') +
        part('n', '2') +
        part('ok', 'true') +
        part('meta', '{"t":1}', true) +
        part('we%22ird%0D%0Aname', 'x') +
        `--${boundary}--\r\n`,
    );
    const again = buildHttpRequest(BASE, post('multipart/form-data'), { body: { a: '1' } });
    expect(again.headers['content-type']).not.toBe(built.headers['content-type']);
  });

  it('refuses a multipart body that is not an object, and a missing required body', () => {
    expect(argsInvalid(() => buildHttpRequest(BASE, post('multipart/form-data'), { body: 'x' })).reason).toContain(
      'multipart body must be an object',
    );
    expect(argsInvalid(() => buildHttpRequest(BASE, post('application/json'), {})).reason).toContain('request body is missing');
  });
});
