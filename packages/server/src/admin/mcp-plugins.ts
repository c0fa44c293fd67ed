import { randomUUID } from 'node:crypto';
import type { McpUpstream } from '../connectors/mcp/mcp-upstream.js';
import { GatewayError } from '../core/gateway-error.js';
import type { McpConnection, Plugin } from '../core/plugin.js';
import { importMcpTools, type McpImport } from '../plugins/mcp/import-mcp-tools.js';
import type { AdminContext } from './admin-context.js';
import { lintInstructions } from './lint-plugin.js';
import { storeNewPlugin, type RegisteredPlugin } from './register-plugin.js';
import { applySync, type SyncResult } from './apply-sync.js';

export interface RegisterMcpPluginInput {
  readonly name: string;
  readonly connection: McpConnection;
  readonly allowPrivateNetwork?: boolean;
  readonly timeoutMs?: number;
  readonly actor?: string;
}

/** How long an import or sync waits for the server to connect and list its tools. */
const CONNECT_TIMEOUT_MS = 30_000;

function endpointOf(connection: McpConnection): string {
  return connection.transport === 'stdio' ? `stdio:${[connection.command, ...connection.args].join(' ')}` : connection.url;
}

async function readTools(plugin: Plugin, upstream: McpUpstream): Promise<McpImport> {
  await upstream.waitUntilReady(CONNECT_TIMEOUT_MS, { failFast: true });
  const tools = await upstream.listTools();
  const server = upstream.describeServer();
  return importMcpTools({
    pluginName: plugin.name,
    tools,
    ...(server !== undefined ? { server } : {}),
    ...(plugin.connection !== undefined ? { connection: plugin.connection } : {}),
  });
}

/**
 * Registers an MCP server as a plugin: starts it under supervision, lists its tools, and pins them (the
 * admin's import approves them, except what the description lint flags). If the server cannot be reached
 * or lists nothing importable, it is stopped and nothing is stored.
 */
export async function registerMcpPlugin(ctx: AdminContext, input: RegisterMcpPluginInput): Promise<RegisteredPlugin> {
  if (await ctx.plugins.findByName(input.name)) {
    throw new GatewayError('CONFLICT', {
      message: `A plugin named "${input.name}" already exists. Remove it first or choose another name.`,
    });
  }
  if (input.connection.transport === 'stdio' && !ctx.allowStdioMcp) {
    // Running a command is running code on the gateway's host: an operator's decision, not an admin API call's.
    throw new GatewayError('BAD_REQUEST', {
      message: 'This gateway does not run MCP servers as commands (mcp.allowStdio is false). Add the server by its HTTP URL instead.',
      details: { path: 'body/mcp/transport' },
    });
  }
  const now = new Date(ctx.clock.now()).toISOString();
  const endpoint = endpointOf(input.connection);
  const draft: Plugin = {
    id: randomUUID(),
    name: input.name,
    kind: 'mcp',
    title: input.name,
    description: '',
    connection: input.connection,
    baseUrl: endpoint,
    allowPrivateNetwork: input.allowPrivateNetwork ?? false,
    timeoutMs: input.timeoutMs ?? ctx.defaultTimeoutMs,
    status: 'active',
    source: endpoint,
    createdAt: now,
    syncedAt: now,
  };
  const upstream = await ctx.mcp.start(draft);
  try {
    const imported = await readTools(draft, upstream);
    if (imported.tools.length === 0) {
      throw new GatewayError('SPEC_INVALID', {
        message: 'The MCP server lists no tool that could be imported. Fix the tools listed in "details".',
        details: { failures: imported.failures },
      });
    }
    const plugin: Plugin = {
      ...draft,
      title: imported.title || input.name,
      description: imported.description,
      ...(imported.instructions !== undefined ? { instructions: imported.instructions } : {}),
    };
    const stored = await storeNewPlugin(ctx, plugin, imported.tools, input.actor ?? 'import');
    watchMcpPlugin(ctx, plugin, upstream);
    return {
      plugin,
      tools: stored.tools,
      warnings: [...imported.warnings, ...lintInstructions(imported.instructions, plugin.name)],
      failures: [...imported.failures, ...stored.failures],
    };
  } catch (err) {
    await ctx.mcp.stop(draft.id);
    throw err;
  }
}

/** Re-lists an MCP plugin's tools and pins the result (new and changed tools wait for review). */
export async function syncMcpPlugin(ctx: AdminContext, plugin: Plugin, actor: string): Promise<SyncResult> {
  // Never started from here: an upstream is started (and watched) only by import and start-up.
  const upstream = ctx.mcp.get(plugin.id);
  if (upstream === undefined) {
    throw new GatewayError('UPSTREAM_UNREACHABLE', {
      message: `The MCP server of plugin "${plugin.name}" is not running. Restart the gateway, or remove and re-add the plugin.`,
    });
  }
  const imported = await readTools(plugin, upstream);
  const updated: Plugin = {
    ...plugin,
    ...(imported.instructions !== undefined ? { instructions: imported.instructions } : {}),
  };
  const result = await applySync(ctx, updated, imported.tools, actor);
  return {
    ...result,
    warnings: [...imported.warnings, ...lintInstructions(imported.instructions, plugin.name)],
    failures: [...imported.failures, ...result.failures],
  };
}

/**
 * Keeps a running MCP plugin's tools pinned: a `tools/list_changed` notification, or a reconnect (the server
 * may have changed while it was down), re-syncs it. Failures are reported through `ctx.onBackgroundError`;
 * the tools already stored stay as they are, so one server going down never empties the others'.
 */
export function watchMcpPlugin(ctx: AdminContext, plugin: Plugin, upstream: McpUpstream): void {
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  let wasReady = upstream.status().status === 'ready';
  // Notifications come in bursts: one queued re-sync reads the latest list for all of them.
  const resync = (why: string): void => {
    if (queued) return;
    queued = true;
    running = running
      .then(async () => {
        queued = false;
        const current = await ctx.plugins.findByName(plugin.name);
        if (current === undefined || current.id !== plugin.id || ctx.mcp.get(plugin.id) !== upstream) return;
        await syncMcpPlugin(ctx, current, `mcp-sync (${why})`);
      })
      .catch((err: unknown) => ctx.onBackgroundError(err, { plugin: plugin.name, task: `MCP re-sync after ${why}` }));
  };
  upstream.onToolsChanged(() => resync('tools/list_changed'));
  upstream.onStatusChange(() => {
    const ready = upstream.status().status === 'ready';
    if (ready && !wasReady) resync('reconnect');
    wasReady = ready;
  });
}

/** At start-up: supervise every MCP plugin and re-sync it once connected. */
export async function startMcpPlugins(ctx: AdminContext): Promise<void> {
  for (const plugin of await ctx.plugins.list()) {
    if (plugin.kind !== 'mcp' || plugin.status !== 'active') continue;
    const upstream = await ctx.mcp.start(plugin);
    watchMcpPlugin(ctx, plugin, upstream);
  }
}
