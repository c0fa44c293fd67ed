import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from './support/run-cli.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));
const serverPath = new URL('../../../examples/orders/server.mjs', import.meta.url).href;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `toolgate mcp --stdio` started the way a desktop client starts it: a command with env. */
async function connectOverStdio(t: TestGateway, key: string, extraArgs: string[] = []): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', CLI_ENTRY, 'mcp', '--stdio', ...extraArgs],
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TOOLGATE_URL: t.url, TOOLGATE_API_KEY: key },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'desktop-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

describe('toolgate mcp --stdio', () => {
  let t: TestGateway;
  let orders: { url: string; close(): Promise<void> };
  let caller: { id: string; key: string };

  beforeAll(async () => {
    const mod = (await import(serverPath)) as { startOrdersApi(o?: { port?: number }): Promise<{ url: string; close(): Promise<void> }> };
    orders = await mod.startOrdersApi({ port: 0 });
    t = await startTestGateway();
    const imported = await t.api('POST', '/v1/admin/plugins', {
      body: { name: 'shop', source: specPath, spec: readFileSync(specPath, 'utf8'), baseUrl: orders.url, allowPrivateNetwork: true },
    });
    expect(imported.status).toBe(201);
    caller = await createCaller(t, 'desktop-user', ['support']);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'tool:shop__get_order' } })).status).toBe(
      201,
    );
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
  });

  it('relays list and call to the gateway, which authorizes and audits them as MCP calls', async () => {
    const { client } = await connectOverStdio(t, caller.key);
    try {
      const listed = await client.listTools();
      expect(listed.tools.map((tool) => tool.name)).toEqual(['shop__get_order', 'toolgate_approval_status']);
      const result = await client.callTool({ name: 'shop__get_order', arguments: { orderId: 'ord_1001' } });
      expect(result.isError ?? false).toBe(false);
      expect(JSON.stringify(result.content)).toContain('ord_1001');
      // Not granted: refused by the gateway, exactly as on /mcp.
      await expect(client.callTool({ name: 'shop__delete_order', arguments: { orderId: 'ord_1001' } })).rejects.toBeInstanceOf(McpError);
    } finally {
      await client.close();
    }
    const [allowed] = await auditFor(t, 'shop__get_order');
    expect(allowed).toMatchObject({ surface: 'mcp', principalId: caller.id, decision: 'allow', outcome: 'success' });
    const [denied] = await auditFor(t, 'shop__delete_order');
    expect(denied).toMatchObject({ surface: 'mcp', principalId: caller.id, decision: 'deny', errorCode: 'TOOL_NOT_FOUND' });
  }, 60_000);

  it("serves one plugin's tools under their own names with --plugin", async () => {
    const { client } = await connectOverStdio(t, caller.key, ['--plugin', 'shop']);
    try {
      const listed = await client.listTools();
      expect(listed.tools.map((tool) => tool.name)).toEqual(['get_order', 'toolgate_approval_status']);
      const result = await client.callTool({ name: 'get_order', arguments: { orderId: 'ord_1002' } });
      expect(JSON.stringify(result.content)).toContain('ord_1002');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('answers with the gateway error when the key is refused, and says so on stderr', async () => {
    const connecting = connectOverStdio(t, 'tgk_nope_notasecret');
    await expect(connecting).rejects.toThrow(/AUTH_INVALID/);
  }, 60_000);

  it('refuses to start without an API key, saying where to put it', async () => {
    const { runCli } = await import('./support/run-cli.js');
    const run = await runCli(['mcp', '--stdio'], { TOOLGATE_URL: t.url });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('TOOLGATE_API_KEY');
  }, 60_000);
});
