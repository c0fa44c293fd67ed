import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureStdio, waitFor } from '../src/connectors/mcp/fixtures/mcp-test-servers.js';
import { encodeCursor } from '../src/mcp/tool-list-cursor.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;
const ALLOWED_ORIGIN = 'https://console.example.com';
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-test', version: '1.0.0' } },
};
const LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };

interface Connected {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  /** How many notifications/tools/list_changed arrived. */
  listChanged(): number;
  /** Whether the gateway answered the client's GET: its notification stream is open. */
  streaming(): boolean;
}

// The MCP server surface with the official SDK client, against a real gateway and real plugins.
describe('the MCP endpoint /mcp', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let agent: { id: string; key: string };
  let other: { id: string; key: string };
  const open: Connected[] = [];

  const connect = async (key: string, path = '/mcp'): Promise<Connected> => {
    let streaming = false;
    const transport = new StreamableHTTPClientTransport(new URL(path, t.url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        if (init?.method === 'GET' && res.status === 200) streaming = true;
        return res;
      },
    });
    const client = new Client({ name: 'e2e-client', version: '1.0.0' });
    let count = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void (count += 1));
    await client.connect(transport);
    const connected = { client, transport, listChanged: () => count, streaming: () => streaming };
    open.push(connected);
    return connected;
  };
  /** A raw POST, for what the SDK client will not send; SSE answers are read back as their one message. */
  const post = async (path: string, body: string, headers: Record<string, string | null> = {}) => {
    const sent: Record<string, string> = {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      authorization: `Bearer ${agent.key}`,
    };
    for (const [name, value] of Object.entries(headers)) {
      if (value === null) delete sent[name];
      else sent[name] = value;
    }
    const res = await fetch(new URL(path, t.url), { method: 'POST', headers: sent, body });
    const text = await res.text();
    const data = /^data: (.*)$/m.exec(text)?.[1];
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(data ?? text);
    } catch {
      // keep text
    }
    return { status: res.status, headers: res.headers, body: parsed as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const allPages = async (client: Client) => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      // The built-in approval status tool closes the last page; these tests compare the plugin tools.
      pages.push(page.tools.map((tool) => tool.name).filter((name) => name !== 'toolgate_approval_status'));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return pages;
  };
  const rejection = async (promise: Promise<unknown>): Promise<McpError> => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(McpError);
    return err as McpError;
  };

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway({
      TOOLGATE_MCP__PAGE_SIZE: '2',
      TOOLGATE_MCP__ALLOW_STDIO: 'true',
      TOOLGATE_MCP__ALLOWED_ORIGINS: JSON.stringify([ALLOWED_ORIGIN]),
    });
    const shop = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(shop.status).toBe(201);
    expect((await t.api('POST', '/v1/admin/plugins', { body: { name: 'fixture', mcp: fixtureStdio() } })).status).toBe(201);
    agent = await createCaller(t, 'mcp-agent', ['agent']);
    other = await createCaller(t, 'mcp-other', ['other']);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agent', target: 'plugin:shop' } })).status).toBe(201);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:other', target: 'plugin:shop' } })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    for (const c of open) await c.client.close();
    await t.close();
    await orders.close();
  });

  it('initializes a session bound to the caller and lists exactly the REST tool list, page by page', async () => {
    const { client, transport } = await connect(agent.key);
    expect(client.getServerVersion()).toMatchObject({ name: 'toolgate', version: expect.any(String) });
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true } });
    expect(transport.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(transport.protocolVersion).toBe('2025-11-25');
    const [opened] = await auditFor(t, 'mcp.session.open');
    expect(opened).toMatchObject({ type: 'session', surface: 'mcp', principalName: 'mcp-agent', decision: 'allow' });

    const pages = await allPages(client);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    const rest = (await t.api('GET', '/v1/tools', { key: agent.key })).body.tools.map((x: { name: string }) => x.name);
    expect(pages.flat().sort()).toEqual([...rest].sort());
    expect(pages.flat()).not.toContain('fixture__tool_000');

    const bad = await rejection(client.listTools({ cursor: 'not-a-cursor!' }));
    expect(bad.code).toBe(-32602);
    expect(bad.message).toMatch(/Invalid cursor/);
  });

  it('calls a tool through the pipeline: structured content when the tool has an output schema, audited as mcp', async () => {
    const { client } = await connect(agent.key);
    const tools = (await allPages(client)).flat();
    expect(tools).toContain('shop__get_order');
    const rest = (await t.api('GET', '/v1/tools', { key: agent.key })).body.tools.find(
      (x: { name: string }) => x.name === 'shop__get_order',
    );
    expect(rest.outputSchema).toMatchObject({ type: 'object' });

    const result = await client.callTool({ name: 'shop__get_order', arguments: { orderId: 'ord_1001' } });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ id: 'ord_1001' });
    const [text] = result.content as { type: string; text: string }[];
    expect(JSON.parse(text?.text ?? '')).toEqual(result.structuredContent);
    const [event] = await auditFor(t, 'shop__get_order');
    expect(event).toMatchObject({ surface: 'mcp', principalName: 'mcp-agent', decision: 'allow', outcome: 'success' });

    const missing = await client.callTool({ name: 'shop__get_order', arguments: { orderId: 'ord_999999' } });
    expect(missing.isError).toBe(true);
  });

  it('reports bad arguments as a tool error the model can read, and an invisible tool as unknown (-32602), audited', async () => {
    const { client } = await connect(agent.key);
    await client.listTools();
    const invalid = await client.callTool({ name: 'shop__get_order', arguments: {} });
    expect(invalid.isError).toBe(true);
    expect((invalid.content as { text: string }[])[0]?.text).toMatch(/^ARGS_INVALID: /);
    expect(invalid._meta).toMatchObject({ 'toolgate/error': { code: 'ARGS_INVALID' } });

    const hidden = await rejection(client.callTool({ name: 'fixture__tool_000', arguments: {} }));
    expect(hidden.code).toBe(-32602);
    expect(hidden.data).toMatchObject({ code: 'TOOL_NOT_FOUND' });
    // On MCP the message points at tools/list, not at the REST path of the table's default wording.
    expect(hidden.message).toContain('tools/list');
    expect(hidden.message).not.toContain('/v1/tools');
    const [denied] = await auditFor(t, 'fixture__tool_000');
    expect(denied).toMatchObject({ surface: 'mcp', principalName: 'mcp-agent', decision: 'deny', errorCode: 'TOOL_NOT_FOUND' });
  });

  it('refuses a session used by another principal or on another endpoint (403, audited) and unknown sessions (404)', async () => {
    const { transport } = await connect(agent.key);
    const sessionId = transport.sessionId ?? '';
    const stolen = await post('/mcp', JSON.stringify(LIST), { authorization: `Bearer ${other.key}`, 'mcp-session-id': sessionId });
    expect(stolen.status).toBe(403);
    expect(stolen.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32003, data: { code: 'MCP_SESSION_FORBIDDEN' } }, id: null });
    const [refused] = await auditFor(t, 'mcp.session.refused');
    expect(refused).toMatchObject({
      type: 'session',
      surface: 'mcp',
      principalName: 'mcp-other',
      decision: 'deny',
      errorCode: 'MCP_SESSION_FORBIDDEN',
    });
    const elsewhere = await post('/mcp/shop', JSON.stringify(LIST), { 'mcp-session-id': sessionId });
    expect(elsewhere.status).toBe(403);
    // The owner can still use it.
    const own = await post('/mcp', JSON.stringify(LIST), { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' });
    expect(own.status).toBe(200);
    expect(own.body.result.tools.length).toBe(2);

    const unknown = await post('/mcp', JSON.stringify(LIST), { 'mcp-session-id': 'A'.repeat(43) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32001,
        message: expect.stringMatching(/initialize/),
        data: { code: 'MCP_SESSION_NOT_FOUND', requestId: expect.any(String) },
      },
      id: null,
    });
  });

  it('refuses bad JSON, invalid JSON-RPC, missing credentials and foreign origins cleanly; serves sessionless requests', async () => {
    const badJson = await post('/mcp', '{"jsonrpc": "2.0", ');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
    const notRpc = await post('/mcp', JSON.stringify({ hello: 'world' }));
    expect(notRpc.status).toBe(400);
    expect(notRpc.body.error.code).toBeLessThan(-32000);

    const anonymous = await post('/mcp', JSON.stringify(INIT), { authorization: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32001, data: { code: 'AUTH_MISSING' } }, id: null });
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);

    const foreign = await post('/mcp', JSON.stringify(INIT), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32003, data: { code: 'ORIGIN_FORBIDDEN' } }, id: null });
    const listedOrigin = await post('/mcp', JSON.stringify(INIT), { origin: ALLOWED_ORIGIN });
    expect(listedOrigin.status).toBe(200);
    expect(listedOrigin.body.result.serverInfo.name).toBe('toolgate');
    expect(listedOrigin.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(listedOrigin.headers.get('mcp-session-id')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // 2026-07-28 style: no initialize, no session id, authenticated per request.
    const stateless = await post('/mcp', JSON.stringify(LIST));
    expect(stateless.status).toBe(200);
    expect(stateless.body.result.tools).toHaveLength(2);
    expect(stateless.headers.get('mcp-session-id')).toBeNull();
  });

  it("continues a listing after the cursor's tool even when that tool is gone, on /mcp and on /mcp/{plugin}", async () => {
    const rest: string[] = (await t.api('GET', '/v1/tools', { key: agent.key })).body.tools.map((x: { name: string }) => x.name);
    // A cursor naming a tool that does not exist (removed, or never visible) continues after where it would sort.
    const gone = 'shop__get_order_zzz';
    const expected = rest.filter((name) => name.localeCompare(gone) > 0).slice(0, 2);
    const page = await post('/mcp', JSON.stringify({ ...LIST, params: { cursor: encodeCursor(gone) } }));
    expect(page.body.result.tools.map((x: { name: string }) => x.name).filter((n: string) => n !== 'toolgate_approval_status')).toEqual(
      expected,
    );
    const shop = rest.filter((name) => name.startsWith('shop__')).map((name) => name.slice('shop__'.length));
    const scoped = await post('/mcp/shop', JSON.stringify({ ...LIST, params: { cursor: encodeCursor('get_order_zzz') } }));
    expect(scoped.body.result.tools.map((x: { name: string }) => x.name).filter((n: string) => n !== 'toolgate_approval_status')).toEqual(
      shop.filter((name) => name.localeCompare('get_order_zzz') > 0).slice(0, 2),
    );
  });

  it("serves one plugin's tools under their own names on /mcp/{plugin}, with its labelled instructions", async () => {
    const { client } = await connect(agent.key, '/mcp/shop');
    const names = (await allPages(client)).flat();
    expect(names).toContain('get_order');
    expect(names.every((name) => !name.includes('__'))).toBe(true);
    const result = await client.callTool({ name: 'get_order', arguments: { orderId: 'ord_1001' } });
    expect(result.structuredContent).toMatchObject({ id: 'ord_1001' });
    const [event] = await auditFor(t, 'shop__get_order');
    expect(event).toMatchObject({ surface: 'mcp', outcome: 'success' });
    // Another plugin's tool cannot be reached through this endpoint, prefix or not.
    expect((await rejection(client.callTool({ name: 'fixture__tool_000', arguments: {} }))).code).toBe(-32602);

    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:mcp-other', target: 'plugin:fixture' } })).status).toBe(
      201,
    );
    const fixture = await connect(other.key, '/mcp/fixture');
    expect(fixture.client.getInstructions()).toMatch(/plugin "fixture"[\s\S]*Fixture\./);
    const called = await fixture.client.callTool({ name: 'tool_000', arguments: {} });
    expect(called).toMatchObject({ isError: false, content: [{ type: 'text', text: 'called tool_000' }] });
    const failed = await fixture.client.callTool({ name: 'fail', arguments: {} });
    expect(failed.isError).toBe(true);
    // A caller who sees none of the plugin's tools gets no instructions either.
    const none = await connect(agent.key, '/mcp/fixture');
    expect(none.client.getInstructions()).toBeUndefined();
    expect((await none.client.listTools()).tools.map((x) => x.name)).toEqual(['toolgate_approval_status']);
  }, 30_000);

  it('tells a client when its visible tools change, and only that client', async () => {
    const third = await createCaller(t, 'mcp-third', ['other']);
    const watcher = await connect(agent.key);
    const bystander = await connect(third.key);
    // The SDK client opens the session's notification stream itself after initialize.
    await waitFor('both notification streams', () => watcher.streaming() && bystander.streaming());

    expect(
      (await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:mcp-agent', target: 'tool:fixture__tool_001' } })).status,
    ).toBe(201);
    await waitFor('list_changed for the granted caller', () => watcher.listChanged() === 1);
    expect((await allPages(watcher.client)).flat()).toContain('fixture__tool_001');

    // Now a change the bystander sees: if the first one had reached it, it would have arrived before this one.
    expect(
      (await t.api('POST', '/v1/admin/grants', { body: { subject: 'principal:mcp-third', target: 'tool:fixture__tool_002' } })).status,
    ).toBe(201);
    await waitFor('list_changed for the bystander', () => bystander.listChanged() >= 1);
    expect(bystander.listChanged()).toBe(1);
    expect(watcher.listChanged()).toBe(1);
  }, 30_000);

  it('writes the notification stream as SSE; a role change notifies, a revoked key ends the stream', async () => {
    const fourth = await createCaller(t, 'mcp-fourth', []);
    const init = await post('/mcp', JSON.stringify(INIT), { authorization: `Bearer ${fourth.key}` });
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    const headers = { authorization: `Bearer ${fourth.key}`, 'mcp-session-id': sessionId };
    expect((await fetch(new URL('/mcp', t.url), { headers: { ...headers, accept: 'application/json' } })).status).toBe(406);
    const sessionless = await fetch(new URL('/mcp', t.url), {
      headers: { authorization: `Bearer ${fourth.key}`, accept: 'text/event-stream' },
    });
    expect(sessionless.status).toBe(405);
    const res = await fetch(new URL('/mcp', t.url), { headers: { ...headers, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const readUntil = async (done: (text: string) => boolean) => {
      while (!done(received)) {
        const chunk = await reader.read();
        if (chunk.done) return false;
        received += chunk.value;
      }
      return true;
    };

    // The role "agent" has a grant for plugin shop: giving fourth the role changes what it sees.
    expect((await t.api('PATCH', `/v1/admin/principals/${fourth.id}`, { body: { roles: ['agent'] } })).status).toBe(200);
    expect(await readUntil((text) => text.includes('list_changed'))).toBe(true);
    const event = /event: message\ndata: (.*)\n\n/.exec(received);
    expect(JSON.parse(event?.[1] ?? '')).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });

    expect((await t.api('POST', `/v1/admin/keys/${fourth.keyId}/revoke`)).status).toBe(200);
    expect(await readUntil(() => false)).toBe(false);
  });

  it('a gateway with open notification streams still shuts down (streams are ended first)', async () => {
    const g = await startTestGateway();
    let streaming = false;
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', g.url), {
      requestInit: { headers: { authorization: `Bearer ${g.adminKey}` } },
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        if (init?.method === 'GET' && res.status === 200) streaming = true;
        return res;
      },
    });
    let ended = false;
    const client = new Client({ name: 'shutdown-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      await waitFor('the notification stream', () => streaming);
      const closing = g.close().then(() => (ended = true));
      await waitFor('the gateway to close', () => ended);
      await closing;
    } finally {
      await client.close();
      if (!ended) await g.close();
    }
  }, 30_000);

  it('DELETE ends the session: its id is unknown afterwards', async () => {
    const { transport } = await connect(agent.key);
    const sessionId = transport.sessionId ?? '';
    await transport.terminateSession();
    const [closed] = await auditFor(t, 'mcp.session.close');
    expect(closed).toMatchObject({ type: 'session', principalName: 'mcp-agent' });
    const after = await post('/mcp', JSON.stringify(LIST), { 'mcp-session-id': sessionId });
    expect(after.status).toBe(404);
    expect(after.body.error.data.code).toBe('MCP_SESSION_NOT_FOUND');
  });
  it('answers refusals as JSON-RPC errors the SDK client reports with status and our code (a 404 session means: initialize again)', async () => {
    const { client, transport } = await connect(agent.key);
    // Ended behind the client's back (as an expiry would): it still sends the old id.
    const ended = await fetch(new URL('/mcp', t.url), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agent.key}`, 'mcp-session-id': transport.sessionId ?? '' },
    });
    expect(ended.status).toBe(204);
    const err = await client.listTools().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StreamableHTTPError);
    expect((err as StreamableHTTPError).code).toBe(404);
    expect((err as StreamableHTTPError).message).toContain('"code":"MCP_SESSION_NOT_FOUND"');

    const badPlugin = await post('/mcp/Not-A-Plugin', JSON.stringify(LIST));
    expect(badPlugin.status).toBe(404);
    expect(badPlugin.body).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'NOT_FOUND' } }, id: null });
  });

  it('lets browser clients on allowed origins read Mcp-Session-Id and WWW-Authenticate (CORS expose headers)', async () => {
    const exposed = (headers: Headers) => (headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    const init = await post('/mcp', JSON.stringify(INIT), { origin: ALLOWED_ORIGIN });
    expect(init.status).toBe(200);
    expect(exposed(init.headers)).toEqual(expect.arrayContaining(['mcp-session-id', 'www-authenticate']));
    const anonymous = await post('/mcp', JSON.stringify(INIT), { origin: ALLOWED_ORIGIN, authorization: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(exposed(anonymous.headers)).toEqual(expect.arrayContaining(['mcp-session-id', 'www-authenticate']));
    const unknown = await post('/mcp', JSON.stringify(LIST), { origin: ALLOWED_ORIGIN, 'mcp-session-id': 'B'.repeat(43) });
    expect(unknown.status).toBe(404);
    expect(exposed(unknown.headers)).toEqual(expect.arrayContaining(['mcp-session-id', 'www-authenticate']));
    // A foreign origin gets no CORS headers at all.
    const foreign = await post('/mcp', JSON.stringify(INIT), { origin: 'https://evil.example' });
    expect(foreign.headers.get('access-control-expose-headers')).toBeNull();
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
