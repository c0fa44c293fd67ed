import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'undici';
import { GatewayError } from '../core/gateway-error.js';
import { compileEgressPolicy, egressPolicyKey, literalAddressBlocked, type AddressRefusal, type EgressPolicy } from './egress-policy.js';
import { createGuardedLookup } from './guarded-lookup.js';
import { readCappedBody } from './read-capped-body.js';
import { toUpstreamError } from './upstream-error.js';

export type RedirectMode =
  /** Tool calls: same-origin redirects are followed (≤ maxRedirects, default 3); any other origin is refused. */
  | 'refuse-cross-origin'
  /** Specs and manifests: any origin is followed (≤ maxRedirects, default 5), every hop re-checked. */
  | 'follow-checked';

export interface SafeFetchOptions extends EgressPolicy {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Deadline for the whole exchange: every redirect hop, headers and body. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly redirects: RedirectMode;
  readonly maxRedirects?: number;
}

export interface SafeFetchResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The content-type header, or '' when the upstream sent none. */
  readonly contentType: string;
  /** At most `maxBytes` bytes. */
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly receivedBytes: number;
  readonly finalUrl: string;
}

interface Egress {
  readonly agent: Agent;
  readonly refusal: AddressRefusal;
}

// Connections are kept alive and reused across calls: this is the hot path of every tool call.
const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 } as const;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another.
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

let guardedEgress: Egress | undefined;
let privateEgress: Egress | undefined;
const allowlistEgress = new Map<string, Egress>();

function egressFor(policy: EgressPolicy): Egress {
  if (policy.allowPrivateNetwork) {
    return (privateEgress ??= { agent: new Agent(AGENT_OPTIONS), refusal: () => undefined });
  }
  if (policy.allowedAddresses === undefined || policy.allowedAddresses.length === 0) {
    return (guardedEgress ??= guarded({ allowPrivateNetwork: false }));
  }
  const key = egressPolicyKey(policy);
  let egress = allowlistEgress.get(key);
  if (egress === undefined) {
    egress = guarded({ allowPrivateNetwork: false, allowedAddresses: [...policy.allowedAddresses] });
    allowlistEgress.set(key, egress);
  }
  return egress;
}

function guarded(policy: EgressPolicy): Egress {
  const refusal = compileEgressPolicy(policy);
  return { agent: new Agent({ ...AGENT_OPTIONS, connect: { lookup: createGuardedLookup(policy) } }), refusal };
}

/** Closes every pooled connection; call once at shutdown (and in tests' afterAll). */
export async function closeAgents(): Promise<void> {
  const all = [guardedEgress, privateEgress, ...allowlistEgress.values()];
  guardedEgress = undefined;
  privateEgress = undefined;
  allowlistEgress.clear();
  await Promise.all(all.map((e) => (e ? e.agent.close() : Promise.resolve())));
}

/**
 * Fetches a URL under the SSRF guard: http(s) only, literal IPs checked before any connect,
 * resolved addresses checked and pinned by the agent's lookup, redirects handled here (never by
 * undici) so every hop is re-checked, one deadline, and a capped body.
 */
export async function safeFetch(url: string, opts: SafeFetchOptions): Promise<SafeFetchResponse> {
  const egress = egressFor(opts);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const maxRedirects = opts.maxRedirects ?? (opts.redirects === 'refuse-cross-origin' ? 3 : 5);
  let target = parseTarget(url, 'EGRESS_BLOCKED');
  let method = opts.method ?? 'GET';
  let body = opts.body;
  let headers: Record<string, string> = { ...opts.headers };

  for (let hop = 0; ; hop++) {
    checkLiteralHost(target, egress.refusal);
    const ctx = { signal, timeoutMs: opts.timeoutMs, origin: target.origin };
    try {
      const res = await request(target, { method, headers, body, signal, dispatcher: egress.agent });
      const location = REDIRECT_STATUSES.has(res.statusCode) ? firstHeader(res.headers.location) : undefined;
      if (location === undefined) {
        const read = await readCappedBody(res.body, opts.maxBytes);
        const contentType = firstHeader(res.headers['content-type']) ?? '';
        return { status: res.statusCode, headers: res.headers, contentType, ...read, finalUrl: target.href };
      }
      // Discard the redirect's own body so the connection can go back to the pool.
      await res.body.dump();
      const next = parseTarget(new URL(location, target).href, 'UPSTREAM_REDIRECT');
      if (hop >= maxRedirects) {
        throw new GatewayError('UPSTREAM_REDIRECT', { reason: `more than ${maxRedirects} redirects, last from ${target.origin}` });
      }
      if (next.origin !== target.origin) {
        if (opts.redirects === 'refuse-cross-origin') {
          throw new GatewayError('UPSTREAM_REDIRECT', { reason: `${target.origin} redirected to ${next.origin}` });
        }
        headers = withoutOriginBoundHeaders(headers);
      }
      // Browsers' rule (Fetch spec): 303, and 301/302 after POST, continue as a bodiless GET.
      if ((res.statusCode === 303 && method !== 'HEAD') || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutBodyHeaders(headers);
      }
      target = next;
    } catch (err) {
      throw toUpstreamError(err, ctx);
    }
  }
}

/** Parses and scheme-checks a URL; `code` says whose fault a bad URL is (ours/config vs upstream's). */
function parseTarget(raw: string, code: 'EGRESS_BLOCKED' | 'UPSTREAM_REDIRECT'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatewayError(code, { reason: 'not a valid absolute URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GatewayError('EGRESS_BLOCKED', { reason: `scheme "${url.protocol}" is not allowed; only http: and https:` });
  }
  return url;
}

/**
 * `new URL` has already normalized octal, hex and decimal IPv4 spellings (`0177.0.0.1`, `0x7f.1`,
 * `2130706433` → `127.0.0.1`), and `net.connect` never calls `lookup` for an IP literal, so
 * literals are checked here, before any connection is attempted.
 */
function checkLiteralHost(url: URL, refusal: AddressRefusal): void {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) === 0) return;
  const range = refusal(host);
  if (range !== undefined) throw literalAddressBlocked(host, range);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function withoutOriginBoundHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !ORIGIN_BOUND_HEADERS.has(k.toLowerCase())));
}

function withoutBodyHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !k.toLowerCase().startsWith('content-')));
}
