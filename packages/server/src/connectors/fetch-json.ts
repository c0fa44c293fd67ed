import { GatewayError } from '../core/gateway-error.js';
import { safeFetch } from './safe-fetch.js';

export interface FetchJsonOptions {
  /** Allow loopback and private addresses (an issuer inside the network, or tests). */
  readonly allowPrivateNetwork: boolean;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

/**
 * GETs a small JSON document (OAuth metadata, a JWKS) under the SSRF guard. Throws a GatewayError
 * on a network failure, a non-2xx status or a body that is not JSON; the caller words the refusal.
 */
export async function fetchJson(url: string, opts: FetchJsonOptions): Promise<unknown> {
  const res = await safeFetch(url, {
    timeoutMs: opts.timeoutMs ?? 10_000,
    maxBytes: opts.maxBytes ?? 1_000_000,
    allowPrivateNetwork: opts.allowPrivateNetwork,
    redirects: 'follow-checked',
    headers: { accept: 'application/json' },
  });
  if (res.status < 200 || res.status > 299) throw new GatewayError('UPSTREAM_ERROR', { reason: `${url} answered HTTP ${res.status}` });
  if (res.truncated) throw new GatewayError('UPSTREAM_ERROR', { reason: `${url} answered more than ${opts.maxBytes ?? 1_000_000} bytes` });
  try {
    return JSON.parse(res.body.toString('utf8')) as unknown;
  } catch {
    throw new GatewayError('UPSTREAM_ERROR', { reason: `${url} did not answer JSON` });
  }
}
