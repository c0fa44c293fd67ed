import ipaddr from 'ipaddr.js';

/** How an IP address is classified for egress: anything but public unicast is blocked. */
export interface AddressClass {
  readonly blocked: boolean;
  /** ipaddr.js range name (`loopback`, `private`, …); embedded forms read `ipv4Mapped/loopback`. */
  readonly range: string;
}

// Every allocated global unicast IPv6 address lives here; ipaddr.js calls the rest of the
// unlisted space "unicast" too (e.g. deprecated IPv4-compatible `::7f00:1`), which we refuse.
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
// The well-known NAT64 prefix: DNS64 resolvers hand out these addresses for every IPv4-only host
// on IPv6-only networks, so they are judged by the IPv4 address they embed instead of refused.
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * Classifies one IP address (any spelling ipaddr.js accepts, as inet_aton would read it).
 * Anything that does not parse is blocked: the guard fails closed.
 */
export function classifyAddress(ip: string): AddressClass {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return { blocked: true, range: 'invalid' };
  }
  return address instanceof ipaddr.IPv4 ? classifyIPv4(address) : classifyIPv6(address);
}

function classifyIPv4(address: ipaddr.IPv4): AddressClass {
  const range = address.range();
  return { blocked: range !== 'unicast', range };
}

function classifyIPv6(address: ipaddr.IPv6): AddressClass {
  const range = address.range();
  if (range === 'ipv4Mapped') return embedded('ipv4Mapped', address.toIPv4Address());
  if (address.match(NAT64_WELL_KNOWN)) return embedded('rfc6052', embeddedLow32(address));
  if (range === 'unicast' && !address.match(IPV6_GLOBAL_UNICAST)) return { blocked: true, range: 'unallocated' };
  // 6to4, teredo, rfc6145, the NAT64 local-use prefix, discard, … are all refused outright.
  return { blocked: range !== 'unicast', range };
}

function embedded(form: string, inner: ipaddr.IPv4): AddressClass {
  const v4 = classifyIPv4(inner);
  return { blocked: v4.blocked, range: `${form}/${v4.range}` };
}

/** The IPv4 address carried in the last 32 bits (RFC 6052 /96 layout). */
function embeddedLow32(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}
