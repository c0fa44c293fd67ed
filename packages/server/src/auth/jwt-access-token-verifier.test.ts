import { SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackIssuer, type IssuerKey, type LoopbackIssuer } from './fixtures/loopback-issuer.js';
import { JwtAccessTokenVerifier } from './jwt-access-token-verifier.js';
import { metadataUrls } from './issuer-signing-keys.js';
import { ProtectedResource } from './protected-resource.js';

const PUBLIC_URL = 'https://gw.example.test';
const AUDIENCE = `${PUBLIC_URL}/mcp`;
/** A fixed instant: every time check follows the injected time, never the wall clock. */
const T0 = 1_800_000_000_000;
const s = (ms: number) => Math.floor(ms / 1000);

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

function verifierFor(issuer: string, o: { principalClaim?: string; jwksUrl?: string; audience?: string } = {}) {
  const resource = new ProtectedResource({ issuer, scopesSupported: [], audience: o.audience }, PUBLIC_URL);
  return new JwtAccessTokenVerifier({ resource, principalClaim: o.principalClaim ?? 'sub', jwksUrl: o.jwksUrl, fetchJson });
}

function claims(extra: JWTPayload = {}, now = T0): JWTPayload {
  return { sub: 'alice', aud: AUDIENCE, iat: s(now), exp: s(now) + 300, ...extra };
}

describe('JwtAccessTokenVerifier', () => {
  let iss: LoopbackIssuer;
  let key: IssuerKey;
  const metadataPath = '/.well-known/oauth-authorization-server';

  beforeAll(async () => {
    iss = await startLoopbackIssuer();
    key = await iss.addKey();
  });
  afterAll(async () => {
    await iss.close();
  });

  it('accepts a token signed by the issuer for our audience, and caches the discovered keys', async () => {
    const verifier = verifierFor(iss.issuer);
    const before = { meta: iss.hits(metadataPath), jwks: iss.hits('/jwks.json') };
    await expect(verifier.verify(await iss.sign(key, claims()), T0)).resolves.toEqual({
      principalName: 'alice',
      principalClaim: 'sub',
      issuer: iss.issuer,
    });
    await verifier.verify(await iss.sign(key, claims({ sub: 'bob' })), T0 + 1000);
    expect(iss.hits(metadataPath) - before.meta).toBe(1);
    expect(iss.hits('/jwks.json') - before.jwks).toBe(1);
  });

  it('accepts ES256 and EdDSA keys, an audience array, and another principal claim', async () => {
    const verifier = verifierFor(iss.issuer, { principalClaim: 'email' });
    const keys = [await iss.addKey({ alg: 'ES256' }), await iss.addKey({ alg: 'EdDSA' })];
    for (const k of keys) {
      const token = await iss.sign(k, claims({ aud: ['other', AUDIENCE], email: 'carol@example.com' }));
      await expect(verifier.verify(token, T0)).resolves.toMatchObject({ principalName: 'carol@example.com', principalClaim: 'email' });
    }
  });

  it('refuses tokens issued for another audience, or for none (no token passthrough)', async () => {
    const verifier = verifierFor(iss.issuer);
    await expect(verifier.verify(await iss.sign(key, claims({ aud: 'https://other.example/api' })), T0)).rejects.toMatchObject({
      code: 'AUTH_INVALID',
      reason: expect.stringContaining('audience mismatch'),
      message: expect.stringContaining(AUDIENCE),
    });
    await expect(verifier.verify(await iss.sign(key, claims({ aud: undefined })), T0)).rejects.toMatchObject({
      code: 'AUTH_INVALID',
      reason: expect.stringContaining('audience mismatch'),
    });
    const custom = verifierFor(iss.issuer, { audience: 'api://toolgate' });
    await expect(custom.verify(await iss.sign(key, claims({ aud: 'api://toolgate' })), T0)).resolves.toBeTruthy();
  });

  it('refuses another issuer, even when signed with a key we trust', async () => {
    const verifier = verifierFor(iss.issuer);
    await expect(verifier.verify(await iss.sign(key, claims({ iss: 'https://evil.example' })), T0)).rejects.toMatchObject({
      code: 'AUTH_INVALID',
      reason: expect.stringContaining('issuer mismatch'),
    });
  });

  it('checks exp and nbf against the given time, with a small clock skew', async () => {
    const verifier = verifierFor(iss.issuer);
    const token = await iss.sign(key, claims());
    await expect(verifier.verify(token, T0 + 330_000)).resolves.toBeTruthy();
    await expect(verifier.verify(token, T0 + 400_000)).rejects.toMatchObject({
      code: 'AUTH_EXPIRED',
      reason: expect.stringContaining('expired'),
    });
    const early = await iss.sign(key, claims({ nbf: s(T0) + 120 }));
    await expect(verifier.verify(early, T0)).rejects.toMatchObject({
      code: 'AUTH_INVALID',
      reason: expect.stringContaining('not valid before'),
    });
    await expect(verifier.verify(early, T0 + 70_000)).resolves.toBeTruthy();
    await expect(verifier.verify(await iss.sign(key, claims({ exp: undefined })), T0)).rejects.toMatchObject({
      code: 'AUTH_INVALID',
      reason: expect.stringContaining('"exp"'),
    });
  });

  it('refuses unsigned and HS256 tokens without fetching any key', async () => {
    const fresh = await startLoopbackIssuer();
    try {
      const trusted = await fresh.addKey();
      const verifier = verifierFor(fresh.issuer);
      const unsigned = new UnsecuredJWT({ iss: fresh.issuer, ...claims() }).encode();
      await expect(verifier.verify(unsigned, T0)).rejects.toMatchObject({
        code: 'AUTH_INVALID',
        reason: expect.stringContaining('"none"'),
      });
      // Algorithm confusion: an HMAC keyed with the issuer's public key material must not verify.
      const hs256 = await new SignJWT({ iss: fresh.issuer, ...claims() })
        .setProtectedHeader({ alg: 'HS256', kid: trusted.kid })
        .sign(new TextEncoder().encode(JSON.stringify(trusted.publicJwk)));
      await expect(verifier.verify(hs256, T0)).rejects.toMatchObject({ code: 'AUTH_INVALID', reason: expect.stringContaining('"HS256"') });
      await expect(verifier.verify('not-a-jwt', T0)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
      expect(fresh.hits('/jwks.json')).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a forged signature under a trusted kid', async () => {
    const verifier = verifierFor(iss.issuer);
    const forger = await iss.addKey({ kid: 'forger', publish: false });
    const forged = await iss.sign(forger, claims(), { kid: key.kid });
    await expect(verifier.verify(forged, T0)).rejects.toMatchObject({ code: 'AUTH_INVALID', reason: expect.stringContaining('signature') });
  });

  it('refetches keys for an unknown kid at most once per 30 s, so a rotated key is accepted', async () => {
    const fresh = await startLoopbackIssuer();
    try {
      const first = await fresh.addKey();
      const verifier = verifierFor(fresh.issuer);
      await verifier.verify(await fresh.sign(first, claims()), T0);
      expect(fresh.hits('/jwks.json')).toBe(1);

      const rotated = await fresh.addKey({ publish: false });
      const token = await fresh.sign(rotated, claims({}, T0));
      await expect(verifier.verify(token, T0 + 1000)).rejects.toMatchObject({
        code: 'AUTH_INVALID',
        reason: expect.stringContaining(`"${rotated.kid}"`),
      });
      expect(fresh.hits('/jwks.json')).toBe(1);

      fresh.publish(rotated);
      await expect(verifier.verify(token, T0 + 20_000)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
      expect(fresh.hits('/jwks.json')).toBe(1);
      await expect(verifier.verify(token, T0 + 31_000)).resolves.toMatchObject({ principalName: 'alice' });
      expect(fresh.hits('/jwks.json')).toBe(2);

      // Junk kids right after a refetch do not reach the issuer again.
      const unknown = await fresh.addKey({ publish: false });
      await expect(verifier.verify(await fresh.sign(unknown, claims()), T0 + 32_000)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
      expect(fresh.hits('/jwks.json')).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('stops accepting a withdrawn key once the cached key set is older than its max age', async () => {
    const fresh = await startLoopbackIssuer();
    try {
      const k = await fresh.addKey();
      const verifier = verifierFor(fresh.issuer);
      await verifier.verify(await fresh.sign(k, claims()), T0);
      fresh.withdraw(k.kid);
      const later = T0 + 11 * 60_000;
      await expect(verifier.verify(await fresh.sign(k, claims({}, later)), later)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
      expect(fresh.hits('/jwks.json')).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('uses a configured jwksUrl without discovery, and falls back to OpenID discovery', async () => {
    const direct = verifierFor(iss.issuer, { jwksUrl: iss.jwksUrl });
    const metaBefore = iss.hits(metadataPath);
    await expect(direct.verify(await iss.sign(key, claims()), T0)).resolves.toBeTruthy();
    expect(iss.hits(metadataPath)).toBe(metaBefore);

    const oidc = await startLoopbackIssuer({ metadata: 'openid-configuration', path: '/realms/acme' });
    try {
      const k = await oidc.addKey();
      await expect(verifierFor(oidc.issuer).verify(await oidc.sign(k, claims()), T0)).resolves.toBeTruthy();
      expect(oidc.hits('/.well-known/oauth-authorization-server/realms/acme')).toBe(1);
      expect(oidc.hits('/realms/acme/.well-known/openid-configuration')).toBe(1);
    } finally {
      await oidc.close();
    }
  });

  it('refuses metadata naming another issuer, and an unreachable issuer, as unavailable keys', async () => {
    const mixup = await startLoopbackIssuer({ metadataIssuer: 'https://other-issuer.example' });
    try {
      const k = await mixup.addKey();
      await expect(verifierFor(mixup.issuer).verify(await mixup.sign(k, claims()), T0)).rejects.toMatchObject({
        code: 'UPSTREAM_UNREACHABLE',
        reason: expect.stringContaining('names issuer'),
        message: expect.stringContaining('signing keys'),
      });
    } finally {
      await mixup.close();
    }
    const gone = await startLoopbackIssuer();
    const k = await gone.addKey();
    const token = await gone.sign(k, claims());
    await gone.close();
    await expect(verifierFor(gone.issuer).verify(token, T0)).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE' });
  });

  it('does not reach a failing issuer again for every token: a failed fetch waits out the refetch interval', async () => {
    // Regression: after a failed fetch every JWT-shaped token caused new discovery and key fetches.
    const failing = await startLoopbackIssuer({ metadataIssuer: 'https://other-issuer.example' });
    try {
      const k = await failing.addKey();
      const verifier = verifierFor(failing.issuer);
      const token = await failing.sign(k, claims());
      await expect(verifier.verify(token, T0)).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE' });
      const afterFirst = failing.hits(metadataPath);
      expect(afterFirst).toBeGreaterThan(0);
      for (let i = 1; i <= 20; i += 1) {
        await expect(verifier.verify(token, T0 + i * 1000)).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE' });
      }
      expect(failing.hits(metadataPath)).toBe(afterFirst);
      await expect(verifier.verify(token, T0 + 31_000)).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE' });
      expect(failing.hits(metadataPath)).toBeGreaterThan(afterFirst);
    } finally {
      await failing.close();
    }
  });

  it('refuses a token without the principal claim', async () => {
    const verifier = verifierFor(iss.issuer, { principalClaim: 'preferred_username' });
    await expect(verifier.verify(await iss.sign(key, claims()), T0)).rejects.toMatchObject({
      code: 'AUTH_INVALID',
      message: expect.stringContaining('"preferred_username"'),
    });
  });
});

describe('metadataUrls', () => {
  it('inserts the well-known segment before an issuer path (RFC 8414), then tries OpenID forms', () => {
    expect(metadataUrls('https://as.example/')).toEqual([
      'https://as.example/.well-known/oauth-authorization-server',
      'https://as.example/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://as.example/tenant1')).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant1',
      'https://as.example/.well-known/openid-configuration/tenant1',
      'https://as.example/tenant1/.well-known/openid-configuration',
    ]);
  });
});
