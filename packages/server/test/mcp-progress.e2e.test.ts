import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureStdio } from '../src/connectors/mcp/fixtures/mcp-test-servers.js';
import { PROGRESS_BURST } from '../src/mcp/progress-relay.js';
import { MAX_PROGRESS_MESSAGE_CHARS } from '../src/ports/tool-executor.js';
import { auditFor, createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

// Progress of an upstream MCP tool, relayed to the caller of /mcp, with the official SDK client.
describe('progress relayed through /mcp', () => {
  let t: TestGateway;
  let client: Client;
  let uncleared: Client;

  const connect = async (key: string): Promise<Client> => {
    const c = new Client({ name: 'progress-client', version: '1.0.0' });
    await c.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', t.url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }),
    );
    return c;
  };
  const callWithProgress = async (c: Client, args: Record<string, unknown>) => {
    const updates: Progress[] = [];
    const result = await c.callTool({ name: 'fixture__progress', arguments: args }, undefined, {
      onprogress: (update) => void updates.push(update),
    });
    return { result, updates };
  };

  beforeAll(async () => {
    t = await startTestGateway({ TOOLGATE_MCP__ALLOW_STDIO: 'true' });
    expect((await t.api('POST', '/v1/admin/plugins', { body: { name: 'fixture', mcp: fixtureStdio('--progress') } })).status).toBe(201);
    const caller = await createCaller(t, 'progress-caller', ['worker']);
    expect((await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:worker', target: 'tool:fixture__progress' } })).status).toBe(
      201,
    );
    client = await connect(caller.key);
    uncleared = await connect((await createCaller(t, 'progress-stranger', [])).key);
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await uncleared.close();
    await t.close();
  });

  it("passes each update to the caller under the caller's own token, in order, before the result", async () => {
    const { result, updates } = await callWithProgress(client, { steps: 3, message: 'copying' });
    expect(result).toMatchObject({ isError: false, content: [{ type: 'text', text: 'reported 3 steps' }] });
    // Within the burst, so none is held back.
    expect(updates).toEqual([
      { progress: 1, total: 3, message: 'copying' },
      { progress: 2, total: 3, message: 'copying' },
      { progress: 3, total: 3, message: 'copying' },
    ]);
    const [event] = await auditFor(t, 'fixture__progress');
    expect(event).toMatchObject({ surface: 'mcp', decision: 'allow', outcome: 'success' });
  }, 30_000);

  it('throttles a flood of updates but always delivers the last one', async () => {
    const { updates } = await callWithProgress(client, { steps: 200 });
    expect(updates.length).toBeGreaterThan(PROGRESS_BURST);
    expect(updates.length).toBeLessThanOrEqual(200);
    expect(updates.at(-1)).toMatchObject({ progress: 200, total: 200 });
    const values = updates.map((u) => u.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
  }, 30_000);

  it("drops a message longer than the cap (the plugin's unfiltered text), keeping the numbers", async () => {
    const { updates } = await callWithProgress(client, { steps: 2, message: 'x'.repeat(MAX_PROGRESS_MESSAGE_CHARS + 1) });
    expect(updates).toEqual([
      { progress: 1, total: 2 },
      { progress: 2, total: 2 },
    ]);
  }, 30_000);

  it('asks the upstream for no progress when the caller sent no token', async () => {
    const result = await client.callTool({ name: 'fixture__progress', arguments: { steps: 2 } });
    expect(result.content).toEqual([{ type: 'text', text: 'no progress token' }]);
  }, 30_000);

  it('sends no progress for a call that is refused (progress starts only once the call may run)', async () => {
    const updates: Progress[] = [];
    const refused = uncleared.callTool({ name: 'fixture__progress', arguments: { steps: 2 } }, undefined, {
      onprogress: (update) => void updates.push(update),
    });
    await expect(refused).rejects.toMatchObject({ code: -32602 });
    expect(updates).toEqual([]);
  }, 30_000);
});
