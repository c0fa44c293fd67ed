import ipaddr from 'ipaddr.js';
import { GatewayError } from '../core/gateway-error.js';
import { classifyAddress } from './address-policy.js';

/** Which addresses one upstream may reach. */
export interface EgressPolicy {
  /** Plugin-wide exception: loopback and private addresses are allowed (set by an administrator). */
  readonly allowPrivateNetwork: boolean;
  /**
   * Narrower exception: these exact addresses or CIDR ranges are allowed even though they are not
   * public (a per-plugin allowlist for one deliberate internal upstream). Ignored when
   * `allowPrivateNetwork` is set, since that already allows everything.
   */
  readonly allowedAddresses?: readonly string[];
}

/** Returns the blocked range name when `ip` may not be contacted, or undefined when it may. */
export type AddressRefusal = (ip: string) => string | undefined;

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Compiles a policy once so the per-connection check does no parsing of the allowlist. */
export function compileEgressPolicy(policy: EgressPolicy): AddressRefusal {
  if (policy.allowPrivateNetwork) return () => undefined;
  const allowed = (policy.allowedAddresses ?? []).map(parseAllowlistEntry);
  return (ip) => {
    const cls = classifyAddress(ip);
    if (!cls.blocked) return undefined;
    if (allowed.length > 0 && isAllowlisted(ip, allowed)) return undefined;
    return cls.range;
  };
}

/** A stable key for caching one connection pool per distinct policy. */
export function egressPolicyKey(policy: EgressPolicy): string {
  if (policy.allowPrivateNetwork) return 'private';
  const list = policy.allowedAddresses ?? [];
  return list.length === 0 ? 'guarded' : `allow:${[...list].sort().join(',')}`;
}

/** The refusal for a host whose DNS answer contained a blocked address. */
export function resolvedAddressBlocked(host: string, ip: string, range: string): GatewayError {
  return new GatewayError('EGRESS_BLOCKED', { reason: `host ${host} resolved to ${ip} (${range})` });
}

/** The refusal for a URL whose host is itself a blocked IP literal (after URL normalization). */
export function literalAddressBlocked(ip: string, range: string): GatewayError {
  return new GatewayError('EGRESS_BLOCKED', { reason: `host ${ip} is a ${range} address` });
}

function parseAllowlistEntry(entry: string): Cidr {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.process(entry);
    return [address, address instanceof ipaddr.IPv4 ? 32 : 128];
  } catch {
    // A typo in an allowlist must not silently widen or narrow egress; refuse every call instead.
    throw new GatewayError('EGRESS_BLOCKED', { reason: `allowlist entry "${entry}" is not an IP address or CIDR range` });
  }
}

function isAllowlisted(ip: string, allowed: readonly Cidr[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // `process` unwraps IPv4-mapped IPv6 so `::ffff:10.0.0.5` matches an entry of `10.0.0.5`.
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  return allowed.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}
