import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackIssuer, type IssuerKey, type LoopbackIssuer } from '../src/auth/fixtures/loopback-issuer.js';
import { startLoopbackServer, type LoopbackServer } from '../src/connectors/fixtures/loopback-server.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const TOOL = 'echo__echo';

function echoSpec(origin: string): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Echo', version: '1.0.0' },
    servers: [{ url: origin }],
    paths: {
      '/echo': {
        get: {
          operationId: 'echo',
          summary: 'Echo a message',
          description: 'Returns the message it was given.',
          parameters: [{ name: 'msg', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
  });
}

describe('OAuth 2.1 access tokens from an external issuer', () => {
  let iss: LoopbackIssuer;
  let key: IssuerKey;
  let upstream: LoopbackServer;
  let t: TestGateway;
  let audience: string;
  let aliceKey: string;
  // The gateway's clock: token lifetimes and the JWKS refetch interval follow it, not the wall clock.
  let nowMs = Date.now();
  const clock = { now: () => nowMs };
  const nowS = () => Math.floor(nowMs / 1000);

  const token = (claims: JWTPayload = {}, k: IssuerKey = key) =>
    iss.sign(k, { sub: 'alice', aud: audience, iat: nowS(), exp: nowS() + 300, ...claims });
  const invoke = (credential: string | null, msg = 'hi') =>
    t.api('POST', `/v1/tools/${TOOL}/invoke`, { key: credential, body: { arguments: { msg } } });

  beforeAll(async () => {
    iss = await startLoopbackIssuer();
    key = await iss.addKey();
    upstream = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    t = await startTestGateway(
      { TOOLGATE_AUTH__OAUTH: JSON.stringify({ issuer: iss.issuer, allowPrivateNetwork: true, scopesSupported: ['tools.call'] }) },
      { clock },
    );
    audience = `${t.url}/mcp`;
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'echo', source: 'echo.json', spec: echoSpec(upstream.origin), allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    expect(imported.body.tools.map((x: { name: string }) => x.name)).toEqual([TOOL]);
    aliceKey = (await createCaller(t, 'alice', ['oauth-users'])).key;
    await createCaller(t, 'dave', ['oauth-users']);
    const disabled = await t.api('PATCH', '/v1/admin/principals/dave', { body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:oauth-users', target: 'plugin:echo' } })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
    await iss.close();
  });

  it('publishes protected-resource metadata at both well-known paths, unauthenticated', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await t.api('GET', path, { key: null });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        resource: audience,
        authorization_servers: [iss.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['tools.call'],
        resource_name: 'Toolgate',
      });
    }
  });

  it('a valid token lists and calls tools on REST as the principal its sub names, and is audited as such', async () => {
    const bearer = await token();
    const listed = await t.api('GET', '/v1/tools', { key: bearer });
    expect(listed.status).toBe(200);
    expect(listed.body.tools.map((x: { name: string }) => x.name)).toEqual([TOOL]);
    const call = await invoke(bearer);
    expect(call.status).toBe(200);
    expect(call.body.content).toEqual({ ok: true });
    const [event] = await auditFor(t, TOOL);
    expect(event).toMatchObject({ callId: call.body.callId, principalName: 'alice', decision: 'allow', outcome: 'success' });
    expect(JSON.stringify(event)).not.toContain(bearer);
  });

  it("never forwards the caller's token or API key upstream", async () => {
    const bearer = await token();
    const seen = upstream.requests.length;
    expect((await invoke(bearer, 'via-token')).status).toBe(200);
    expect((await invoke(aliceKey, 'via-key')).status).toBe(200);
    const requests = upstream.requests.slice(seen);
    expect(requests.map((r) => r.url)).toEqual(['/echo?msg=via-token', '/echo?msg=via-key']);
    for (const r of requests) {
      expect(r.headers.authorization).toBeUndefined();
      const everything = JSON.stringify(r);
      for (const secret of [bearer, bearer.split('.')[2] ?? '', aliceKey, aliceKey.slice(-43)]) expect(everything).not.toContain(secret);
    }
  });

  it('refuses a token issued for another audience, and audits why', async () => {
    const res = await invoke(await token({ aud: 'https://other-resource.example/mcp' }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID');
    expect(res.body.error.message).toContain(audience);
    const [event] = await auditFor(t, TOOL);
    expect(event).toMatchObject({ decision: 'deny', errorCode: 'AUTH_INVALID', principalName: null, outcome: 'not_run' });
    expect(event.reason).toContain('audience mismatch');
  });

  it('refuses another issuer, an expired token, unsigned and HS256 tokens', async () => {
    const wrongIssuer = await invoke(await token({ iss: 'https://evil.example' }));
    expect(wrongIssuer.body.error.code).toBe('AUTH_INVALID');
    expect((await auditFor(t, TOOL))[0].reason).toContain('issuer mismatch');

    const expired = await invoke(await token({ iat: nowS() - 3600, exp: nowS() - 600 }));
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('AUTH_EXPIRED');
    expect((await auditFor(t, TOOL))[0]).toMatchObject({ errorCode: 'AUTH_EXPIRED', reason: expect.stringContaining('expired') });

    const claims = { iss: iss.issuer, sub: 'alice', aud: audience, exp: nowS() + 300 };
    const unsigned = await invoke(new UnsecuredJWT(claims).encode());
    expect(unsigned.body.error.code).toBe('AUTH_INVALID');
    expect((await auditFor(t, TOOL))[0].reason).toContain('"none"');
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .sign(new TextEncoder().encode('shared-secret'));
    expect((await invoke(hs256)).body.error.code).toBe('AUTH_INVALID');
    expect((await auditFor(t, TOOL))[0].reason).toContain('"HS256"');
  });

  it('refuses an unknown kid, and accepts a rotated key once the refetch interval has passed', async () => {
    const rotated = await iss.addKey({ publish: false });
    const refused = await invoke(await token({}, rotated));
    expect(refused.body.error.code).toBe('AUTH_INVALID');
    expect((await auditFor(t, TOOL))[0].reason).toContain(`kid "${rotated.kid}"`);

    iss.publish(rotated);
    const fetches = iss.hits('/jwks.json');
    nowMs += 31_000;
    expect((await invoke(await token({}, rotated))).status).toBe(200);
    expect(iss.hits('/jwks.json')).toBe(fetches + 1);
  });

  it('refuses a token naming no principal, or a disabled one, saying an administrator must act', async () => {
    const missing = await invoke(await token({ sub: 'mallory' }));
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('AUTH_INVALID');
    expect(missing.body.error.message).toMatch(/no principal named "mallory".*administrator must create/);
    // Quotes cannot appear inside a quoted header parameter: the description carries the message without them.
    expect(missing.headers.get('www-authenticate')).toContain(
      "error_description=\"The access token is valid, but Toolgate has no principal named 'mallory'",
    );
    expect((await auditFor(t, TOOL))[0].reason).toContain('no principal named "mallory"');

    const disabled = await invoke(await token({ sub: 'dave' }));
    expect(disabled.status).toBe(401);
    expect(disabled.body.error.code).toBe('AUTH_REVOKED');
    expect(disabled.body.error.message).toContain('administrator');
    expect((await auditFor(t, TOOL))[0]).toMatchObject({ errorCode: 'AUTH_REVOKED', reason: expect.stringContaining('dave is disabled') });
  });

  it('401s carry WWW-Authenticate with resource_metadata, and invalid_token when a token was refused', async () => {
    const metadata = `resource_metadata="${t.url}/.well-known/oauth-protected-resource"`;
    const none = await t.api('GET', '/v1/tools', { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="toolgate", ${metadata}, scope="tools.call"`);

    const refused = await t.api('GET', '/v1/tools', { key: await token({ exp: nowS() - 600, iat: nowS() - 900 }) });
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="toolgate", /);
    expect(challenge).toContain(metadata);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toMatch(/error_description="The access token has expired[^"]*"/);

    // The admin API shares the stage and the challenge.
    const admin = await t.api('GET', '/v1/admin/principals', { key: 'tgk_not-a-key' });
    expect(admin.status).toBe(401);
    expect(admin.headers.get('www-authenticate')).toContain(metadata);
  });

  it('an access token works on /mcp with the official SDK client, and a refused one gets the challenge', async () => {
    const bearer = await token();
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', t.url), {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
    });
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((x) => x.name)).toEqual([TOOL, 'toolgate_approval_status']);
      const result = await client.callTool({ name: TOOL, arguments: { msg: 'over-mcp' } });
      expect(result.isError).toBeFalsy();
      expect(upstream.requests.at(-1)?.url).toBe('/echo?msg=over-mcp');
      expect(upstream.requests.at(-1)?.headers.authorization).toBeUndefined();
      expect((await auditFor(t, TOOL))[0]).toMatchObject({ surface: 'mcp', principalName: 'alice', decision: 'allow' });
    } finally {
      await client.close();
    }

    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
    });
    const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
    const anonymous = await fetch(new URL('/mcp', t.url), { method: 'POST', headers, body: initialize });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain(`resource_metadata="${t.url}/.well-known/oauth-protected-resource"`);
    const foreign = await fetch(new URL('/mcp', t.url), {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${await token({ aud: 'https://other-resource.example/mcp' })}` },
      body: initialize,
    });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('www-authenticate')).toMatch(/resource_metadata="[^"]+", scope="tools.call", error="invalid_token"/);
  });
});

describe('without auth.oauth', () => {
  let t: TestGateway;
  let iss: LoopbackIssuer;
  beforeAll(async () => {
    iss = await startLoopbackIssuer();
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t.close();
    await iss.close();
  });

  it('publishes no metadata, refuses JWTs as before, and challenges without resource_metadata', async () => {
    const metadata = await t.api('GET', '/.well-known/oauth-protected-resource', { key: null });
    expect(metadata.status).toBe(404);
    expect(metadata.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('OAuth is not configured') });

    const k = await iss.addKey();
    const jwt = await iss.sign(k, { sub: 'admin', aud: `${t.url}/mcp`, exp: Math.floor(Date.now() / 1000) + 300 });
    const refused = await t.api('GET', '/v1/tools', { key: jwt });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('AUTH_INVALID');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="toolgate", error="invalid_token", error_description="/);
    expect(iss.hits('/.well-known/oauth-authorization-server')).toBe(0);

    const none = await t.api('GET', '/v1/tools', { key: null });
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="toolgate"');
  });
});

describe('an issuer on a private address without auth.oauth.allowPrivateNetwork', () => {
  it('is never fetched (SSRF guard): tokens are refused as unverifiable, and audited', async () => {
    const iss = await startLoopbackIssuer();
    const t = await startTestGateway({ TOOLGATE_AUTH__OAUTH: JSON.stringify({ issuer: iss.issuer }) });
    try {
      const k = await iss.addKey();
      const jwt = await iss.sign(k, { sub: 'admin', aud: `${t.url}/mcp`, exp: Math.floor(Date.now() / 1000) + 300 });
      const res = await t.api('POST', '/v1/tools/anything/invoke', { key: jwt, body: { arguments: {} } });
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', message: expect.stringContaining('signing keys') });
      expect(iss.hits('/.well-known/oauth-authorization-server')).toBe(0);
      expect((await auditFor(t, 'anything'))[0]).toMatchObject({
        errorCode: 'UPSTREAM_UNREACHABLE',
        reason: expect.stringContaining('EGRESS_BLOCKED'),
      });
    } finally {
      await t.close();
      await iss.close();
    }
  });
});
