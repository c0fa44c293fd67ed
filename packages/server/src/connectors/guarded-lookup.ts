import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { compileEgressPolicy, resolvedAddressBlocked, type EgressPolicy } from './egress-policy.js';

/** Resolves a host name to every address it has (the system resolver, or a scripted one in tests). */
export type Resolver = (hostname: string, family: 0 | 4 | 6) => Promise<readonly LookupAddress[]>;

export interface GuardedLookupOptions extends EgressPolicy {
  readonly resolve?: Resolver;
}

const systemResolve: Resolver = (hostname, family) => dns.promises.lookup(hostname, { all: true, family });

/**
 * A `lookup` for `net.connect` (as undici's `Agent({ connect: { lookup } })` passes it) that
 * refuses a host when ANY of its addresses is blocked — a rebinding answer that mixes a public
 * and a private address is refused, not raced — and hands exactly the checked addresses to the
 * socket, so there is no second resolution between check and connect.
 *
 * A refusal is delivered as a GatewayError('EGRESS_BLOCKED') through the socket's error path.
 */
export function createGuardedLookup(opts: GuardedLookupOptions): LookupFunction {
  const resolve = opts.resolve ?? systemResolve;
  const refusal = compileEgressPolicy(opts);
  return (hostname, options, callback) => {
    const family = toFamily(options.family);
    resolve(hostname, family).then(
      (addresses) => {
        for (const { address } of addresses) {
          const range = refusal(address);
          if (range !== undefined) return callback(resolvedAddressBlocked(hostname, address, range), '');
        }
        const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
        const first = usable[0];
        if (first === undefined) return callback(notFound(hostname), '');
        if (options.all === true)
          return callback(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        return callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : notFound(hostname), ''),
    );
  };
}

function toFamily(family: dns.LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/** Shaped like the resolver's own error so callers map it as "unreachable". */
function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}
