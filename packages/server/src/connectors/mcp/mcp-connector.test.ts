import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import type { Plugin } from '../../core/plugin.js';
import type { Tool } from '../../core/tool.js';
import type { ConnectorResult } from '../http-connector.js';
import { fixtureStdio, pidExists } from './fixtures/mcp-test-servers.js';
import { McpConnector } from './mcp-connector.js';
import type { McpResultBody } from './fit-mcp-result.js';
import { McpUpstreams } from './mcp-upstreams.js';

const upstreams = new McpUpstreams({ backoff: { initialDelayMs: 50, maxDelayMs: 200 }, stopGraceMs: 2_000 });
const connector = new McpConnector(upstreams);

const plugin: Plugin = {
  id: 'plugin-fixture',
  name: 'fixture',
  kind: 'mcp',
  title: 'Fixture',
  description: 'test MCP server',
  connection: fixtureStdio(),
  baseUrl: 'stdio:node',
  allowPrivateNetwork: false,
  timeoutMs: 5_000,
  status: 'active',
  source: 'test',
  createdAt: '2025-01-01T00:00:00.000Z',
};

function tool(toolName: string): Tool {
  return {
    id: `t-${toolName}`,
    pluginId: plugin.id,
    pluginName: plugin.name,
    name: `fixture__${toolName}`,
    sourceName: toolName,
    description: toolName,
    inputSchema: { type: 'object' },
    riskTier: 'write',
    definitionHash: 'h',
    status: 'active',
    binding: { kind: 'mcp', toolName },
  };
}

async function call(toolName: string, args: Record<string, unknown> = {}, limits: { timeoutMs?: number; maxResponseBytes?: number } = {}) {
  return connector.execute({
    plugin,
    tool: tool(toolName),
    args,
    timeoutMs: limits.timeoutMs ?? 5_000,
    maxResponseBytes: limits.maxResponseBytes ?? 100_000,
  });
}

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

function body(result: ConnectorResult): McpResultBody {
  return result.body as McpResultBody;
}

beforeAll(async () => {
  const upstream = await upstreams.start(plugin);
  await upstream.waitUntilReady(20_000, { failFast: true });
});

afterAll(async () => {
  await upstreams.closeAll();
});

describe('McpConnector', () => {
  it('calls the upstream tool by its own name and hands on content as JSON with its size', async () => {
    const result = await call('tool_001');
    expect(result).toMatchObject({ status: 200, contentType: 'application/json', truncated: false });
    expect(body(result)).toEqual({ content: [{ type: 'text', text: 'called tool_001' }] });
    expect(result.bytes).toBe(Buffer.byteLength(JSON.stringify(body(result))));
  });

  it('passes a tool failure on as a result with isError, like an HTTP 4xx', async () => {
    const result = await call('fail');
    expect(result.status).toBe(200);
    expect(body(result)).toEqual({ content: [{ type: 'text', text: 'it failed' }], isError: true });
  });

  it('keeps structuredContent and every block when the answer fits', async () => {
    const result = await call('big', { chars: 100 });
    expect(body(result).structuredContent).toEqual({ size: 100 });
    expect(body(result).content).toHaveLength(2);
  });

  it('cuts an answer over maxResponseBytes, says so, and stays within the limit', async () => {
    const result = await call('big', { chars: 50_000 }, { maxResponseBytes: 2_000 });
    expect(result.truncated).toBe(true);
    expect(result.bytes).toBeGreaterThan(100_000);
    expect(Buffer.byteLength(JSON.stringify(result.body))).toBeLessThanOrEqual(2_000);
    const { content, structuredContent } = body(result);
    expect(structuredContent).toBeUndefined();
    expect(content).toEqual([
      { type: 'text', text: expect.stringMatching(/^é+$/) },
      { type: 'text', text: '[Toolgate: image content omitted]' },
      { type: 'text', text: expect.stringMatching(/over the 2000-byte limit, and was cut here\. Its structuredContent was dropped\./) },
    ]);
  });

  it('reports a call past its deadline as UPSTREAM_TIMEOUT', async () => {
    const err = await failure(call('sleep', { ms: 5_000 }, { timeoutMs: 150 }));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
  });

  it("reports the upstream's JSON-RPC error as UPSTREAM_ERROR", async () => {
    const err = await failure(call('protocol_error'));
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.details).toEqual({ jsonRpcCode: -32602 });
    expect(err.reason).toMatch(/the fixture refuses this call/);
  });

  it('refuses a plugin whose upstream is not running, saying what to do', async () => {
    const err = await failure(
      connector.execute({
        plugin: { ...plugin, id: 'not-started' },
        tool: tool('echo'),
        args: {},
        timeoutMs: 1_000,
        maxResponseBytes: 1_000,
      }),
    );
    expect(err.code).toBe('UPSTREAM_UNREACHABLE');
    expect(err.message).toMatch(/administrator must enable or restart/);
  });

  it('refuses a tool that is not MCP-bound as a bug (INTERNAL)', async () => {
    const httpTool: Tool = { ...tool('x'), binding: { kind: 'http', method: 'GET', path: '/', parameters: [] } };
    const err = await failure(connector.execute({ plugin, tool: httpTool, args: {}, timeoutMs: 1_000, maxResponseBytes: 1_000 }));
    expect(err.code).toBe('INTERNAL');
  });
});

describe('McpUpstreams', () => {
  it('keeps a running upstream when started again unchanged, and replaces it when the connection changes', async () => {
    const first = upstreams.get(plugin.id)!;
    expect(await upstreams.start(plugin)).toBe(first);
    const firstPid = first.status().pid!;
    const changed = await upstreams.start({ ...plugin, connection: fixtureStdio('--tools', '5') });
    expect(changed).not.toBe(first);
    expect(first.status().status).toBe('stopped');
    expect(pidExists(firstPid)).toBe(false);
    await changed.waitUntilReady(20_000);
    expect(upstreams.statuses()[plugin.id]?.status).toBe('ready');
  });

  it('closeAll() stops every child', async () => {
    const other = await upstreams.start({ ...plugin, id: 'second' });
    await other.waitUntilReady(20_000);
    const pids = Object.values(upstreams.statuses()).map((status) => status.pid!);
    expect(pids).toHaveLength(2);
    await upstreams.closeAll();
    expect(pids.filter(pidExists)).toEqual([]);
    expect(upstreams.statuses()).toEqual({});
  });
});
