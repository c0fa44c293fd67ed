import { randomBytes } from 'node:crypto';
import { GatewayError } from '../core/gateway-error.js';
import type { HttpBinding, HttpBodyBinding, HttpParameterBinding } from '../core/tool.js';
import {
  isPlainObject,
  scalarText,
  serializeFormBody,
  serializeHeader,
  serializeMultipart,
  serializePath,
  serializeQuery,
} from './parameter-styles.js';

export interface BuiltHttpRequest {
  readonly url: string;
  readonly method: string;
  /** Every header sent upstream: nothing else is ever added or forwarded. */
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

export const ACCEPT = 'application/json, */*;q=0.5';
export const USER_AGENT = 'toolgate/0.1';

/**
 * Header params a tool may not set. OpenAPI says Accept, Content-Type and Authorization params
 * are ignored; the rest frame the message or carry credentials that only Toolgate may set.
 */
const RESERVED_HEADERS = new Set([
  'accept',
  'content-type',
  'authorization',
  'user-agent',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'cookie',
  'proxy-authorization',
  'proxy-connection',
]);
// RFC 9110 field-value characters (HTAB, visible ASCII, obs-text): no CR/LF, so no header injection.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const PLACEHOLDER = /\{([^}]+)\}/g;

/**
 * Turns a tool binding and validated arguments into the one request we send. Only parameters the
 * binding declares are read from `args`; any other argument has no way into the request.
 */
export function buildHttpRequest(baseUrl: string, binding: HttpBinding, args: Readonly<Record<string, unknown>>): BuiltHttpRequest {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const path = expandPath(binding, args);
  // A query in the base URL (e.g. `?api-version=2`) is kept verbatim, ahead of the tool's own.
  const query = base.search.length > 1 ? [base.search.slice(1)] : [];
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': USER_AGENT };
  const cookies: string[] = [];

  for (const p of binding.parameters) {
    if (p.in === 'path') continue;
    const value = args[p.arg];
    if (value === undefined) {
      if (p.required) throw invalid(p.arg, `required ${p.in} parameter ${p.name} is missing`);
      continue;
    }
    if (p.in === 'query') query.push(...serializeQuery(p.name, value, p.style, p.explode));
    else if (p.in === 'header') setHeader(headers, p, value);
    else if (p.in === 'cookie') cookies.push(`${p.name}=${encodeURIComponent(serializeHeader(value, false))}`);
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');

  const url = new URL(`${base.origin}${basePath}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`);
  // Defense in depth: whatever the arguments were, the request stays under the plugin's base path.
  if (basePath !== '' && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
    throw new GatewayError('ARGS_INVALID', { reason: `resolved path ${url.pathname} escapes base path ${basePath}` });
  }
  const encoded = binding.body === undefined ? undefined : encodeBody(binding.body, args);
  if (encoded !== undefined) headers['content-type'] = encoded.contentType;
  return { url: url.href, method: binding.method, headers, body: encoded?.body };
}

function expandPath(binding: HttpBinding, args: Readonly<Record<string, unknown>>): string {
  const path = binding.path.startsWith('/') ? binding.path : `/${binding.path}`;
  return path.replace(PLACEHOLDER, (_match, name: string) => {
    const p = binding.parameters.find((q) => q.in === 'path' && q.name === name);
    if (p === undefined) throw new GatewayError('INTERNAL', { reason: `path placeholder {${name}} has no binding` });
    const value = args[p.arg];
    if (value === undefined) throw invalid(p.arg, `path parameter ${name} is missing`);
    return serializePath(p.name, value, p.style, p.explode ?? false, (raw) => encodeSegmentValue(p.arg, raw));
  });
}

/**
 * Percent-encodes one path value after refusing anything that could change which resource is
 * addressed: empty, `.`, `..`, or a `/` or `\` — also in any percent-decoded form, since some
 * upstreams decode more than once.
 */
function encodeSegmentValue(arg: string, raw: string): string {
  let text = raw;
  for (let round = 0; round < 4; round++) {
    if (text === '' || text === '.' || text === '..' || text.includes('/') || text.includes('\\')) {
      throw invalid(arg, `path value ${JSON.stringify(raw)} could traverse paths`);
    }
    const decoded = safeDecode(text);
    if (decoded === text) break;
    text = decoded;
  }
  return encodeURIComponent(raw);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function setHeader(headers: Record<string, string>, p: HttpParameterBinding, value: unknown): void {
  if (RESERVED_HEADERS.has(p.name.toLowerCase())) return;
  const text = serializeHeader(value, p.explode ?? false);
  if (!HEADER_VALUE.test(text)) throw invalid(p.arg, `header ${p.name} value contains control characters`);
  headers[p.name.toLowerCase()] = text;
}

interface EncodedBody {
  readonly body: string;
  readonly contentType: string;
}

function encodeBody(binding: HttpBodyBinding, args: Readonly<Record<string, unknown>>): EncodedBody | undefined {
  const value = args[binding.arg];
  if (value === undefined) {
    if (binding.required) throw invalid(binding.arg, 'request body is missing');
    return undefined;
  }
  const contentType = binding.contentType;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return { body: JSON.stringify(value), contentType };
  if (mediaType === 'application/x-www-form-urlencoded') {
    if (!isPlainObject(value)) throw invalid(binding.arg, 'a form body must be an object');
    return { body: serializeFormBody(value), contentType };
  }
  if (mediaType === 'multipart/form-data') {
    if (!isPlainObject(value)) throw invalid(binding.arg, 'a multipart body must be an object');
    const boundary = boundaryFor(value);
    return { body: serializeMultipart(value, boundary), contentType: `multipart/form-data; boundary=${boundary}` };
  }
  if (mediaType.startsWith('text/')) return { body: scalarText(value), contentType };
  // Other media types (XML among them) can only be sent verbatim; structured values have no agreed encoding.
  if (typeof value === 'string') return { body: value, contentType };
  throw invalid(binding.arg, `cannot encode a ${typeof value} as ${mediaType}`);
}

/** A random boundary that occurs in none of the values (a value containing it would end its part early). */
function boundaryFor(value: Record<string, unknown>): string {
  const text = JSON.stringify(value);
  for (;;) {
    const boundary = `toolgate-${randomBytes(12).toString('hex')}`;
    if (!text.includes(boundary)) return boundary;
  }
}

function invalid(arg: string, reason: string): GatewayError {
  return new GatewayError('ARGS_INVALID', { details: { path: `/${arg}` }, reason });
}
