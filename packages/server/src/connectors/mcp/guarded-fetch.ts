import { isIP } from 'node:net';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { GatewayError } from '../../core/gateway-error.js';
import { compileEgressPolicy, literalAddressBlocked, type EgressPolicy } from '../egress-policy.js';
import { createGuardedLookup } from '../guarded-lookup.js';
import { findGatewayError } from './mcp-error.js';

/** A `fetch` for the MCP SDK's HTTP transports, and the connection pool behind it. */
export interface GuardedFetch {
  readonly fetch: FetchLike;
  /**
   * The last refusal or failure raised as a GatewayError (EGRESS_BLOCKED) by this fetch, cleared by reading.
   * The legacy SSE transport keeps only an error's message, so the link asks here for the real one.
   */
  takeRefusal(): GatewayError | undefined;
  /** Destroys the pool, cutting any open SSE stream; call when the upstream stops. */
  close(): Promise<void>;
}

/**
 * A fetch under the same SSRF guard as `safeFetch`: http(s) only, IP-literal hosts checked before any
 * connect (net.connect never calls `lookup` for them), host names resolved and checked by the guarded
 * lookup, which pins the checked address. Redirects are never followed here: the SDK follows
 * same-origin ones itself by calling this fetch again, so every hop is re-checked.
 *
 * One pool per upstream rather than safe-fetch's shared ones, because MCP holds long-lived SSE streams:
 * undici's body timeout is off (an idle notification stream is normal), and the per-call deadline is
 * the SDK's request timeout instead.
 */
export function createGuardedFetch(policy: EgressPolicy): GuardedFetch {
  const refusal = compileEgressPolicy(policy);
  const agent = new Agent({
    bodyTimeout: 0,
    keepAliveTimeout: 10_000,
    ...(policy.allowPrivateNetwork ? {} : { connect: { lookup: createGuardedLookup(policy) } }),
  });

  const checkedFetch = async (url: URL, init: Parameters<FetchLike>[1]): Promise<Response> => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new GatewayError('EGRESS_BLOCKED', { reason: `scheme "${url.protocol}" is not allowed; only http: and https:` });
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) !== 0) {
      const range = refusal(host);
      if (range !== undefined) throw literalAddressBlocked(host, range);
    }
    // The SDK passes the global fetch's RequestInit; undici's is the same WHATWG shape, declared apart.
    return undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), redirect: 'manual', dispatcher: agent });
  };

  let lastRefusal: GatewayError | undefined;

  const guardedFetch: FetchLike = async (input, init) => {
    try {
      const response = await checkedFetch(new URL(input), init);
      // A refusal is only news until a later request gets through (DNS may have changed).
      lastRefusal = undefined;
      return response;
    } catch (err) {
      lastRefusal = findGatewayError(err) ?? lastRefusal;
      throw err;
    }
  };

  // destroy, not close: close would wait for an open SSE stream to end, which it never does by itself.
  return {
    fetch: guardedFetch,
    takeRefusal: () => {
      const taken = lastRefusal;
      lastRefusal = undefined;
      return taken;
    },
    close: () => agent.destroy(),
  };
}
