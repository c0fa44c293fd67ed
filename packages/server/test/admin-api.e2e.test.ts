import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMisbehavingUpstream, type MisbehavingUpstream } from './support/misbehaving-upstream.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

// A ChatGPT plugin whose manifest points at a Swagger 2.0 spec, served from the same loopback site.
const manifest = {
  schema_version: 'v1',
  name_for_human: 'Todo',
  name_for_model: 'todo',
  description_for_human: 'Manage your todo list.',
  description_for_model: 'Use this to add and list todos.',
  auth: { type: 'none' },
  api: { type: 'openapi', url: '/swagger.json' },
};
const swagger = {
  swagger: '2.0',
  info: { title: 'Todo API', version: '1' },
  host: 'todo.invalid',
  basePath: '/api',
  schemes: ['https'],
  paths: {
    '/todos': {
      get: { operationId: 'listTodos', responses: { '200': { description: 'ok' } } },
      post: {
        operationId: 'addTodo',
        parameters: [{ name: 'todo', in: 'body', required: true, schema: { type: 'object', properties: { text: { type: 'string' } } } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

describe('admin API', () => {
  let t: TestGateway;
  let bad: MisbehavingUpstream;
  let specServer: Server;
  let specUrl: string;

  beforeAll(async () => {
    t = await startTestGateway();
    bad = await startMisbehavingUpstream();
    specServer = createServer((req, res) => {
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/openapi.json') json(bad.spec);
      else if (req.url === '/.well-known/ai-plugin.json') json(manifest);
      else if (req.url === '/swagger.json') json(swagger);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => specServer.listen(0, '127.0.0.1', r));
    specUrl = `http://127.0.0.1:${(specServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    await bad.close();
    specServer.closeAllConnections();
    await new Promise<void>((r) => specServer.close(() => r()));
  });

  it('refuses callers without the admin role → ADMIN_REQUIRED, audited', async () => {
    const c = await createCaller(t, 'plain', ['support']);
    const res = await t.api('GET', '/v1/admin/plugins', { key: c.key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ADMIN_REQUIRED');
    const [event] = await auditFor(t, 'plugins.list');
    expect(event).toMatchObject({ type: 'admin', errorCode: 'ADMIN_REQUIRED', principalName: 'plain', decision: 'deny' });
    expect((await t.api('GET', '/v1/admin/plugins', { key: null })).body.error.code).toBe('AUTH_MISSING');
  });

  it('shows a new key once and stores only its hash', async () => {
    await t.api('POST', '/v1/admin/principals', { body: { name: 'svc-billing', kind: 'service', roles: ['billing'] } });
    const created = await t.api('POST', '/v1/admin/keys', { body: { principal: 'svc-billing', name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^tgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.hash).toBeUndefined();
    const listed = await t.api('GET', '/v1/admin/keys?principal=svc-billing');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key.slice(17));
    expect(listed.body.keys[0]).toMatchObject({ id: created.body.id, status: 'active' });
    const rows = await t.gw.admin.keys.list();
    expect(rows.find((k) => k.id === created.body.id)?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(created.body.key.slice(17));
  });

  it('imports a spec by URL through the SSRF-safe fetcher (allowlisted) and refuses it when not', async () => {
    const refused = await t.api('POST', '/v1/admin/plugins', { body: { name: 'byurl', source: `${specUrl}/openapi.json` } });
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('SPEC_FETCH_FAILED');
    const ok = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'byurl', source: `${specUrl}/openapi.json`, allowPrivateNetwork: true },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.tools.length).toBe(5);
    const missing = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'missing', source: `${specUrl}/nope.json`, allowPrivateNetwork: true },
    });
    expect(missing.body.error.code).toBe('SPEC_FETCH_FAILED');
  });

  it('refuses keys and grants that would expire in the past', async () => {
    const key = await t.api('POST', '/v1/admin/keys', { body: { principal: 'svc-billing', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(key.status).toBe(400);
    expect(key.body.error.details.path).toBe('body/expiresAt');
    const grant = await t.api('POST', '/v1/admin/grants', {
      body: { subject: 'role:billing', target: 'plugin:byurl', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(grant.status).toBe(400);
    expect(grant.body.error.details.path).toBe('body/expiresAt');
  });

  it('imports a ChatGPT plugin from its site URL (manifest discovery) and a Swagger 2.0 spec', async () => {
    const site = await t.api('POST', '/v1/admin/plugins', { body: { name: 'todo', source: specUrl, allowPrivateNetwork: true } });
    expect(site.status).toBe(201);
    expect(site.body.plugin.description).toBe('Manage your todo list.');
    expect(site.body.plugin.baseUrl).toBe('https://todo.invalid/api');
    // description_for_model is kept as the plugin's instructions; the manifest's auth as its credential requirement.
    const stored = (await t.api('GET', '/v1/admin/plugins/todo')).body.plugin;
    expect(stored.instructions).toBe('Use this to add and list todos.');
    expect(stored.credentialRequirements).toEqual([{ kind: 'none' }]);
    expect(site.body.tools.map((x: { name: string }) => x.name).sort()).toEqual(['todo__add_todo', 'todo__list_todos']);
    const inline = await t.api('POST', '/v1/admin/plugins', { body: { name: 'todo2', spec: JSON.stringify(swagger) } });
    expect(inline.status).toBe(201);
    expect(JSON.stringify(inline.body.warnings)).toContain('Swagger 2.0');
  });

  it("records a spec's security schemes as the plugin's credential requirements, without secret values", async () => {
    const spec = readFileSync(new URL('../src/plugins/openapi/fixtures/secured-3.0.yaml', import.meta.url), 'utf8');
    const res = await t.api('POST', '/v1/admin/plugins', { body: { name: 'secured', source: 'secured.yaml', spec } });
    expect(res.status).toBe(201);
    const stored = (await t.api('GET', '/v1/admin/plugins/secured')).body.plugin;
    const kinds = stored.credentialRequirements.map((r: { kind: string }) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['api_key', 'http_auth', 'oauth2_flows', 'openid_connect', 'mutual_tls']));
    expect(JSON.stringify(stored)).not.toContain('sk-demo-1234567890');
  });

  it('refuses a duplicate plugin → CONFLICT, and an unknown one → NOT_FOUND', async () => {
    const dup = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'byurl', spec: JSON.stringify(bad.spec), allowPrivateNetwork: true },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const gone = await t.api('DELETE', '/v1/admin/plugins/nothere');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
    expect((await t.api('GET', '/v1/nothing')).body.error.code).toBe('NOT_FOUND');
  });

  it('refuses a spec that is not OpenAPI → SPEC_INVALID', async () => {
    const html = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'html', spec: '<!doctype html><html><body>Login</body></html>' },
    });
    expect(html.status).toBe(422);
    expect(html.body.error.code).toBe('SPEC_INVALID');
    const noServer = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'noserver', spec: JSON.stringify({ ...bad.spec, servers: undefined }) },
    });
    expect(noServer.body.error.code).toBe('SPEC_INVALID');
    expect(noServer.body.error.message).toContain('baseUrl');
  });

  it('validates admin bodies → BAD_REQUEST naming the field, never dropping unknown fields', async () => {
    const res = await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:x', target: 'plugin:byurl', colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.details.path).toBe('body/colour');
    const badSubject = await t.api('POST', '/v1/admin/grants', { body: { subject: 'team:x', target: 'plugin:byurl' } });
    expect(badSubject.body.error.details.path).toBe('body/subject');
  });

  it('pages the audit log and filters it', async () => {
    for (let i = 0; i < 5; i++) await t.api('GET', '/v1/admin/grants');
    const page1 = await t.api('GET', '/v1/admin/audit?limit=2');
    expect(page1.body.events).toHaveLength(2);
    const page2 = await t.api('GET', `/v1/admin/audit?limit=2&before=${page1.body.nextBefore}`);
    expect(page2.body.events[0].seq).toBeLessThan(page1.body.events[1].seq);
    const tail = await t.api('GET', `/v1/admin/audit?after=${page2.body.events[1].seq}&limit=100`);
    expect(tail.body.events[0].seq).toBe(page2.body.events[1].seq + 1);
    const denied = await t.api('GET', '/v1/admin/audit?decision=deny&limit=100');
    expect(denied.body.events.length).toBeGreaterThan(0);
    expect(denied.body.events.every((e: { decision: string }) => e.decision === 'deny')).toBe(true);
    const byPrincipal = await t.api('GET', '/v1/admin/audit?principal=plain');
    expect(byPrincipal.body.events.every((e: { principalName: string }) => e.principalName === 'plain')).toBe(true);
  });

  it('answers /healthz and serves the console placeholder', async () => {
    const health = await t.api('GET', '/healthz', { key: null });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const page = await fetch(`${t.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Toolgate');
  });
});
