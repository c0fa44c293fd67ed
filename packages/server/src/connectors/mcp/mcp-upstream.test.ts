import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import type { McpConnection } from '../../core/plugin.js';
import { everythingStdio, filesystemStdio, fixtureStdio, memoryStdio, pidExists, waitFor } from './fixtures/mcp-test-servers.js';
import { McpUpstream } from './mcp-upstream.js';
import type { McpUpstreamOptions } from './mcp-upstream-options.js';
import { INHERITED_ENV_VARS } from './stdio-environment.js';

const FAST: McpUpstreamOptions = {
  backoff: { initialDelayMs: 50, maxDelayMs: 200 },
  connectTimeoutMs: 15_000,
  stopGraceMs: 2_000,
};
const started: McpUpstream[] = [];
let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'toolgate-mcp-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((upstream) => upstream.stop()));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function ready(connection: McpConnection, options: McpUpstreamOptions = {}): Promise<McpUpstream> {
  const upstream = new McpUpstream(`test-${started.length}`, connection, { allowPrivateNetwork: false }, { ...FAST, ...options });
  started.push(upstream);
  upstream.start();
  await upstream.waitUntilReady(20_000, { failFast: true });
  return upstream;
}

function text(result: { content: readonly { type: string }[] }): string {
  return result.content.map((block) => ('text' in block && typeof block.text === 'string' ? block.text : '')).join('');
}

function toolNames(tools: readonly unknown[]): string[] {
  return tools.map((tool) => (tool as { name: string }).name);
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

describe('reference servers over stdio', () => {
  it('lists and calls server-everything, with its name and instructions', async () => {
    const upstream = await ready(everythingStdio());
    expect(toolNames(await upstream.listTools())).toEqual(expect.arrayContaining(['echo', 'get-env', 'get-sum']));
    expect(text(await upstream.callTool('echo', { message: 'hi there' }, { timeoutMs: 5_000 }))).toContain('hi there');
    const server = upstream.describeServer();
    expect(server?.name).toBe('mcp-servers/everything');
    expect(server?.instructions?.length).toBeGreaterThan(0);
  });

  it('reads and writes files with server-filesystem inside its allowed directory', async () => {
    const upstream = await ready(filesystemStdio(tempDir));
    const file = join(tempDir, 'note.txt');
    const write = await upstream.callTool('write_file', { path: file, content: 'written via MCP' }, { timeoutMs: 5_000 });
    expect(write.isError).not.toBe(true);
    expect(await readFile(file, 'utf8')).toBe('written via MCP');
    expect(text(await upstream.callTool('read_text_file', { path: file }, { timeoutMs: 5_000 }))).toBe('written via MCP');
    const outside = await upstream.callTool('read_text_file', { path: '/etc/hostname' }, { timeoutMs: 5_000 });
    expect(outside.isError).toBe(true);
  });

  it('creates and reads a knowledge graph with server-memory (storage path from the explicit env)', async () => {
    const upstream = await ready(memoryStdio(join(tempDir, 'memory.jsonl')));
    await upstream.callTool(
      'create_entities',
      { entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }] },
      { timeoutMs: 5_000 },
    );
    const graph = await upstream.callTool('read_graph', {}, { timeoutMs: 5_000 });
    expect(text(graph)).toContain('wrote the first program');
    expect(await readFile(join(tempDir, 'memory.jsonl'), 'utf8')).toContain('Ada');
  });
});

describe('stdio child environment', () => {
  it("never hands the gateway's own environment to the child, only the basics and connection.env", async () => {
    process.env['TOOLGATE_TEST_SECRET'] = 'sk-gateway-secret-do-not-leak';
    try {
      const upstream = await ready(everythingStdio({ PLUGIN_SETTING: 'visible' }));
      const env = JSON.parse(text(await upstream.callTool('get-env', {}, { timeoutMs: 5_000 }))) as Record<string, string>;
      expect(JSON.stringify(env)).not.toContain('sk-gateway-secret-do-not-leak');
      expect(env['PLUGIN_SETTING']).toBe('visible');
      const allowed = new Set<string>([...INHERITED_ENV_VARS, 'PLUGIN_SETTING']);
      expect(Object.keys(env).filter((key) => !allowed.has(key))).toEqual([]);
    } finally {
      delete process.env['TOOLGATE_TEST_SECRET'];
    }
  });

  it("captures the child's stderr instead of inheriting it", async () => {
    const upstream = await ready(everythingStdio());
    await waitFor('stderr output', () => upstream.status().stderrTail.length > 0);
  });
});

describe('supervision', () => {
  it('restarts a child killed from outside, and calls work again', async () => {
    const upstream = await ready(everythingStdio());
    let changes = 0;
    upstream.onToolsChanged(() => changes++);
    const firstPid = upstream.status().pid;
    expect(firstPid).toBeTypeOf('number');
    process.kill(firstPid!, 'SIGKILL');
    await waitFor('a restarted child', () => {
      const status = upstream.status();
      return status.status === 'ready' && status.pid !== undefined && status.pid !== firstPid;
    });
    expect(pidExists(firstPid!)).toBe(false);
    const status = upstream.status();
    expect(status.restarts).toBe(1);
    expect(status.lastError?.code).toBe('UPSTREAM_UNREACHABLE');
    expect(text(await upstream.callTool('echo', { message: 'back' }, { timeoutMs: 5_000 }))).toContain('back');
    // The list may have changed while it was down, so listeners are told to re-sync.
    await waitFor('a tools-changed signal after the restart', () => changes > 0);
  });

  it('stop() terminates the child and waits until it is reaped', async () => {
    const upstream = await ready(everythingStdio());
    const pid = upstream.status().pid!;
    expect(pidExists(pid)).toBe(true);
    await upstream.stop();
    expect(pidExists(pid)).toBe(false);
    expect(upstream.status().status).toBe('stopped');
    const err = await failure(upstream.callTool('echo', { message: 'x' }, { timeoutMs: 1_000 }));
    expect(err.code).toBe('UPSTREAM_UNREACHABLE');
    expect(err.message).toMatch(/administrator must enable or restart/);
  });

  it('goes down with the reason when the command cannot start, and keeps retrying with backoff', async () => {
    const upstream = new McpUpstream(
      'missing',
      { transport: 'stdio', command: '/nonexistent/mcp-server', args: [], env: {} },
      { allowPrivateNetwork: false },
      FAST,
    );
    started.push(upstream);
    upstream.start();
    const err = await failure(upstream.waitUntilReady(5_000, { failFast: true }));
    expect(err.code).toBe('UPSTREAM_UNREACHABLE');
    expect(err.reason).toMatch(/ENOENT/);
    await waitFor('a second attempt', () => upstream.status().restarts >= 2);
    expect(upstream.status().lastError?.reason).toMatch(/ENOENT/);
  });
});

describe('tool lists and calls (fixture server)', () => {
  it('follows nextCursor across pages and keeps a malformed tool for the importer to judge', async () => {
    const upstream = await ready(fixtureStdio('--tools', '120', '--page-size', '50', '--bad-schema'));
    const names = toolNames(await upstream.listTools());
    expect(names).toHaveLength(5 + 120 + 1);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('tool_119');
    expect(names).toContain('bad_schema');
  });

  it('refuses a listing longer than the page bound with a clear error', async () => {
    const upstream = await ready(fixtureStdio('--tools', '120', '--page-size', '10'), { maxListPages: 5 });
    const err = await failure(upstream.listTools());
    expect(err.code).toBe('UPSTREAM_ERROR');
    expect(err.message).toMatch(/more than 5 pages/);
  });

  it('tells listeners when the server announces tools/list_changed', async () => {
    const upstream = await ready(fixtureStdio());
    let changes = 0;
    const unsubscribe = upstream.onToolsChanged(() => changes++);
    await upstream.callTool('add_tool', { name: 'fresh_tool' }, { timeoutMs: 5_000 });
    await waitFor('a tools-changed signal', () => changes > 0);
    expect(toolNames(await upstream.listTools())).toContain('fresh_tool');
    unsubscribe();
  });

  it('times a slow call out without losing the connection', async () => {
    const upstream = await ready(fixtureStdio());
    const err = await failure(upstream.callTool('sleep', { ms: 5_000 }, { timeoutMs: 200 }));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expect(upstream.status().status).toBe('ready');
    expect(text(await upstream.callTool('sleep', { ms: 1 }, { timeoutMs: 5_000 }))).toBe('slept');
  });

  it('returns a tool failure as a result with isError, not as an error', async () => {
    const upstream = await ready(fixtureStdio());
    const result = await upstream.callTool('fail', {}, { timeoutMs: 5_000 });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('it failed');
  });
});
