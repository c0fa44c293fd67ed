import { describe, expect, it } from 'vitest';
import { classifyAddress } from './address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'ipv4Mapped/loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped/loopback'],
    ['::ffff:169.254.169.254', 'ipv4Mapped/linkLocal'],
    ['::ffff:10.0.0.1', 'ipv4Mapped/private'],
    ['64:ff9b::7f00:1', 'rfc6052/loopback'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052/linkLocal'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['2002:7f00:1::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['100::1', 'discard'],
    // Deprecated IPv4-compatible form: ipaddr.js calls it unicast, but it is outside 2000::/3.
    ['::7f00:1', 'unallocated'],
    // ipaddr.js reads the dotted `::a.b.c.d` spelling as IPv4-mapped; blocked either way.
    ['::127.0.0.1', 'ipv4Mapped/loopback'],
  ])('blocks %s (%s)', (ip, range) => {
    expect(classifyAddress(ip)).toEqual({ blocked: true, range });
  });

  it.each(['0177.0.0.1', '0x7f.1', '2130706433', '127.1'])('reads the odd IPv4 spelling %s as loopback', (ip) => {
    expect(classifyAddress(ip)).toEqual({ blocked: true, range: 'loopback' });
  });

  it.each(['', 'localhost', 'not an ip', '1.2.3.4.5', '[::1]'])('fails closed on unparsable %j', (ip) => {
    expect(classifyAddress(ip)).toEqual({ blocked: true, range: 'invalid' });
  });

  // Classification only: nothing here ever connects to these addresses.
  it.each([
    ['8.8.8.8', 'unicast'],
    ['1.1.1.1', 'unicast'],
    ['172.32.0.1', 'unicast'],
    ['100.128.0.1', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['::ffff:8.8.8.8', 'ipv4Mapped/unicast'],
    ['64:ff9b::808:808', 'rfc6052/unicast'],
  ])('allows public %s', (ip, range) => {
    expect(classifyAddress(ip)).toEqual({ blocked: false, range });
  });
});
