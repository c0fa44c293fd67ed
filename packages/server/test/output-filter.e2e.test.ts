import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureStdio } from '../src/connectors/mcp/fixtures/mcp-test-servers.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';
import { okOperation } from './support/ok-operation.js';

// Built from parts so repository secret scanners do not flag this file.
const AWS_KEY = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const GITHUB_TOKEN = ['ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
const RECORD = {
  id: 'rec_1',
  owner: 'alice@example.com',
  password: 'hunter2',
  deploy: { key: AWS_KEY },
  sha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
};

/** A real loopback upstream that leaks: a JSON record with secrets and an address, and a text note with a token. */
async function startLeakyUpstream(): Promise<{ url: string; spec: Record<string, unknown>; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/note') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`use ${GITHUB_TOKEN} to push`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(RECORD));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const spec = {
    openapi: '3.1.0',
    info: { title: 'Leaky', version: '1' },
    servers: [{ url }],
    paths: { '/record': okOperation('getRecord'), '/blocked': okOperation('getBlocked'), '/note': okOperation('getNote') },
  };
  return { url, spec, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('output filter for secrets and personal data', () => {
  let t: TestGateway;
  let upstream: Awaited<ReturnType<typeof startLeakyUpstream>>;
  let caller: { key: string };
  const clients: Client[] = [];

  const invoke = (tool: string) => t.api('POST', `/v1/tools/${tool}/invoke`, { key: caller.key, body: { arguments: {} } });
  const mcpClient = async (): Promise<Client> => {
    const client = new Client({ name: 'filter-client', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', t.url), { requestInit: { headers: { authorization: `Bearer ${caller.key}` } } }),
    );
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    upstream = await startLeakyUpstream();
    t = await startTestGateway({
      TOOLGATE_MCP__ALLOW_STDIO: 'true',
      TOOLGATE_GUARD__TOOLS: JSON.stringify({ leak__get_blocked: { secrets: 'block' } }),
    });
    const plugin = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'leak', spec: JSON.stringify(upstream.spec), allowPrivateNetwork: true },
    });
    expect(plugin.status).toBe(201);
    expect((await t.api('POST', '/v1/admin/plugins', { body: { name: 'fixture', mcp: fixtureStdio('--progress') } })).status).toBe(201);
    caller = await createCaller(t, 'reader', ['readers']);
    for (const target of ['plugin:leak', 'tool:fixture__progress']) {
      expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:readers', target } })).status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t.close();
    await upstream.close();
  });

  it('REST invoke: secrets and personal data are redacted in place, the shape kept, and the kinds counted', async () => {
    const res = await invoke('leak__get_record');
    expect(res.status).toBe(200);
    expect(res.body.content).toEqual({
      id: 'rec_1',
      owner: '[REDACTED:email]',
      password: '[REDACTED:credential_field]',
      deploy: { key: '[REDACTED:aws_access_key_id]' },
      sha: RECORD.sha,
    });
    expect(res.body.redactions).toEqual(
      expect.arrayContaining([
        { kind: 'email', count: 1 },
        { kind: 'credential_field', count: 1 },
        { kind: 'aws_access_key_id', count: 1 },
      ]),
    );
  });

  it('the audit record names the kinds and counts, never the values', async () => {
    await invoke('leak__get_record');
    const [event] = await auditFor(t, 'leak__get_record');
    expect(event).toMatchObject({ decision: 'allow', outcome: 'success' });
    expect(event.reason).toContain('output filter redacted:');
    expect(event.reason).toContain('aws_access_key_id=1');
    expect(event.reason).toContain('email=1');
    const stored = JSON.stringify(event);
    for (const secret of [AWS_KEY, 'hunter2', 'alice@example.com']) expect(stored).not.toContain(secret);
  });

  it('a text body is scanned as one string', async () => {
    const res = await invoke('leak__get_note');
    expect(res.body.content).toBe('use [REDACTED:github_token] to push');
    expect(res.body.redactions).toEqual([{ kind: 'github_token', count: 1 }]);
  });

  it('secrets: block refuses the whole result with OUTPUT_BLOCKED, audited as denied by the output filter', async () => {
    const res = await invoke('leak__get_blocked');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('OUTPUT_BLOCKED');
    expect(res.body.error.details).toEqual({ kinds: expect.arrayContaining(['aws_access_key_id', 'credential_field']) });
    expect(JSON.stringify(res.body)).not.toContain(AWS_KEY);
    const [event] = await auditFor(t, 'leak__get_blocked');
    expect(event).toMatchObject({ decision: 'deny', outcome: 'error', errorCode: 'OUTPUT_BLOCKED', upstreamStatus: 200 });
    expect(event.reason).toContain('output filter blocked the result');
    expect(event.reason).toContain('aws_access_key_id=1');
    expect(JSON.stringify(event)).not.toContain(AWS_KEY);
  });

  it('MCP tools/call: the result the caller sees is redacted, and a blocked one is a tool error', async () => {
    const client = await mcpClient();
    const result = await client.callTool({ name: 'leak__get_record', arguments: {} });
    const text = JSON.stringify(result.content);
    expect(text).toContain('[REDACTED:aws_access_key_id]');
    expect(text).toContain('[REDACTED:email]');
    for (const secret of [AWS_KEY, 'hunter2', 'alice@example.com']) expect(JSON.stringify(result)).not.toContain(secret);

    const blocked = await client.callTool({ name: 'leak__get_blocked', arguments: {} });
    expect(blocked.isError).toBe(true);
    expect(JSON.stringify(blocked)).toContain('OUTPUT_BLOCKED');
    expect(JSON.stringify(blocked)).not.toContain(AWS_KEY);
  }, 30_000);

  it("MCP progress: a secret in a plugin's progress message is redacted before it is relayed", async () => {
    const client = await mcpClient();
    const updates: Progress[] = [];
    await client.callTool({ name: 'fixture__progress', arguments: { steps: 2, message: `syncing with ${AWS_KEY}` } }, undefined, {
      onprogress: (update) => void updates.push(update),
    });
    expect(updates).toEqual([
      { progress: 1, total: 2, message: 'syncing with [REDACTED:aws_access_key_id]' },
      { progress: 2, total: 2, message: 'syncing with [REDACTED:aws_access_key_id]' },
    ]);
  }, 30_000);
});
