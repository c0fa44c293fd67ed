import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { startLoopbackServer, type LoopbackServer } from './fixtures/loopback-server.js';
import { createGuardedLookup, type Resolver } from './guarded-lookup.js';
import { toUpstreamError } from './upstream-error.js';

/** A scripted DNS: fixed answers per host name, counting how often it was asked. */
function scriptedResolver(answers: Record<string, readonly string[]>): Resolver & { calls: () => number } {
  let calls = 0;
  const resolve = async (hostname: string): Promise<readonly LookupAddress[]> => {
    calls += 1;
    const list = answers[hostname];
    if (list === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls: () => calls });
}

type LookupOutcome = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family: number | undefined };

function lookupOnce(lookup: LookupFunction, host: string, options: { all?: boolean; family?: number } = {}): Promise<LookupOutcome> {
  return new Promise((resolve) => lookup(host, options, (err, address, family) => resolve({ err, address, family })));
}

describe('createGuardedLookup (called as net.connect calls it)', () => {
  it('refuses a rebinding answer that lists a public address first and loopback after it', async () => {
    const lookup = createGuardedLookup({
      allowPrivateNetwork: false,
      resolve: scriptedResolver({ 'rebind.test': ['8.8.8.8', '127.0.0.1'] }),
    });
    const { err } = await lookupOnce(lookup, 'rebind.test', { all: true });
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'host rebind.test resolved to 127.0.0.1 (loopback)' });
  });

  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['::ffff:7f00:1', 'ipv4Mapped/loopback'],
    ['10.0.0.7', 'private'],
  ])('refuses a host resolving to %s', async (ip, range) => {
    const lookup = createGuardedLookup({ allowPrivateNetwork: false, resolve: scriptedResolver({ 'meta.test': [ip] }) });
    const { err } = await lookupOnce(lookup, 'meta.test');
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED', reason: `host meta.test resolved to ${ip} (${range})` });
  });

  it('hands the checked public addresses to the socket in both callback forms (no connect happens here)', async () => {
    const lookup = createGuardedLookup({
      allowPrivateNetwork: false,
      resolve: scriptedResolver({ 'pub.test': ['2606:4700:4700::1111', '8.8.8.8'] }),
    });
    expect(await lookupOnce(lookup, 'pub.test', { all: true })).toEqual({
      err: null,
      address: [
        { address: '2606:4700:4700::1111', family: 6 },
        { address: '8.8.8.8', family: 4 },
      ],
      family: undefined,
    });
    expect(await lookupOnce(lookup, 'pub.test')).toEqual({ err: null, address: '2606:4700:4700::1111', family: 6 });
    expect(await lookupOnce(lookup, 'pub.test', { family: 4 })).toEqual({ err: null, address: '8.8.8.8', family: 4 });
  });

  it('allows loopback when the plugin is allowlisted for the private network', async () => {
    const lookup = createGuardedLookup({ allowPrivateNetwork: true, resolve: scriptedResolver({ 'internal.test': ['127.0.0.1'] }) });
    expect(await lookupOnce(lookup, 'internal.test')).toEqual({ err: null, address: '127.0.0.1', family: 4 });
  });

  it('allows only the exact allowlisted address, still refusing the rest of the answer', async () => {
    const resolve = scriptedResolver({ 'one.test': ['10.0.0.5'], 'two.test': ['10.0.0.5', '10.0.0.6'] });
    const lookup = createGuardedLookup({ allowPrivateNetwork: false, allowedAddresses: ['10.0.0.5'], resolve });
    expect(await lookupOnce(lookup, 'one.test')).toEqual({ err: null, address: '10.0.0.5', family: 4 });
    expect((await lookupOnce(lookup, 'two.test')).err).toMatchObject({
      code: 'EGRESS_BLOCKED',
      reason: 'host two.test resolved to 10.0.0.6 (private)',
    });
  });

  it('uses the system resolver by default: localhost is loopback', async () => {
    const { err } = await lookupOnce(createGuardedLookup({ allowPrivateNetwork: false }), 'localhost', { all: true });
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED' });
    expect((err as GatewayError).reason).toMatch(/^host localhost resolved to (127\.0\.0\.1|::1) \(loopback\)$/);
  });
});

describe('createGuardedLookup inside an undici Agent', () => {
  let upstream: LoopbackServer;
  const agents: Agent[] = [];

  beforeAll(async () => {
    upstream = await startLoopbackServer((_req, res) => res.end('reached'));
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await upstream.close();
  });

  function agentWith(resolve: Resolver, allowPrivateNetwork: boolean): Agent {
    const agent = new Agent({ connect: { lookup: createGuardedLookup({ allowPrivateNetwork, resolve }) } });
    agents.push(agent);
    return agent;
  }

  async function failure(url: string, dispatcher: Agent): Promise<GatewayError> {
    const signal = AbortSignal.timeout(5_000);
    try {
      await request(url, { dispatcher, signal });
    } catch (err) {
      return toUpstreamError(err, { signal, timeoutMs: 5_000, origin: new URL(url).origin });
    }
    throw new Error('request unexpectedly succeeded');
  }

  it('surfaces the refusal through undici as EGRESS_BLOCKED, and nothing reaches the upstream', async () => {
    const before = upstream.requests.length;
    const agent = agentWith(scriptedResolver({ 'rebind.test': ['8.8.8.8', '127.0.0.1'] }), false);
    const err = await failure(`http://rebind.test:${upstream.port}/`, agent);
    expect(err).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'host rebind.test resolved to 127.0.0.1 (loopback)' });
    expect(upstream.requests.length).toBe(before);
  });

  it('connects to exactly the address it checked, once per pooled connection', async () => {
    const resolve = scriptedResolver({ 'pinned.test': ['127.0.0.1'] });
    const agent = agentWith(resolve, true);
    const connectionsBefore = upstream.connections();
    for (let i = 0; i < 5; i++) {
      const res = await request(`http://pinned.test:${upstream.port}/`, { dispatcher: agent });
      expect(await res.body.text()).toBe('reached');
    }
    // Resolution happens per new socket, never per request: kept-alive sockets stay on the checked address.
    expect(resolve.calls()).toBe(upstream.connections() - connectionsBefore);
    expect(resolve.calls()).toBeLessThan(5);
    expect(upstream.requests.at(-1)?.headers.host).toBe(`pinned.test:${upstream.port}`);
  });

  it('maps a DNS failure to UPSTREAM_UNREACHABLE', async () => {
    const err = await failure('http://missing.test/', agentWith(scriptedResolver({}), false));
    expect(err.code).toBe('UPSTREAM_UNREACHABLE');
    expect(err.reason).toContain('ENOTFOUND');
  });
});
