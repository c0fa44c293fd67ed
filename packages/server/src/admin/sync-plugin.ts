import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';
import { reconcileTools, type ToolChange } from '../plugins/pinning/reconcile-tools.js';
import type { ImportWarning, OperationFailure, ToolDraft } from '../plugins/spec-import.js';
import type { AdminContext } from './admin-context.js';
import { blockingFindingsFor, lintInstructions } from './lint-plugin.js';
import { readPluginSource } from './read-plugin-source.js';
import { requireBaseUrl } from './register-plugin.js';

export interface SyncInput {
  /** The spec text, for plugins imported from a local file or inline text. */
  readonly specText?: string;
  readonly lenient?: boolean;
  readonly actor: string;
  /** The source is a file the operator named (config, examples): the gateway may read it again. */
  readonly allowLocalFile?: boolean;
}

export interface SyncedTool {
  readonly name: string;
  readonly change: ToolChange;
  readonly status: Tool['status'];
  readonly definitionHash: string;
  readonly approvedHash?: string;
}

export interface SyncResult {
  readonly plugin: Plugin;
  readonly tools: readonly SyncedTool[];
  readonly warnings: readonly ImportWarning[];
  readonly failures: readonly OperationFailure[];
}

/**
 * Re-reads an OpenAPI/ChatGPT plugin's source and pins the result: changed and new tools wait for review,
 * tools gone from the source are marked removed. The base URL an admin set at import is kept.
 */
export async function syncPlugin(ctx: AdminContext, name: string, input: SyncInput): Promise<SyncResult> {
  const plugin = await ctx.plugins.require(name);
  const source = await readPluginSource(ctx, {
    name,
    source: plugin.source,
    ...(input.specText !== undefined ? { specText: input.specText } : {}),
    baseUrl: plugin.baseUrl,
    allowPrivateNetwork: plugin.allowPrivateNetwork,
    ...(input.lenient !== undefined ? { lenient: input.lenient } : {}),
    ...(input.allowLocalFile !== undefined ? { allowLocalFile: input.allowLocalFile } : {}),
  });
  const baseUrl = requireBaseUrl(source, plugin.baseUrl);
  const updated: Plugin = {
    ...plugin,
    baseUrl,
    ...(source.instructions !== undefined ? { instructions: source.instructions } : {}),
    credentialRequirements: source.credentialRequirements.map((r) => ({ ...r })),
  };
  const result = await applySync(ctx, updated, source.imported.tools, input.actor);
  return {
    ...result,
    warnings: [...source.imported.warnings, ...lintInstructions(source.instructions, name)],
    failures: [...source.imported.failures, ...result.failures],
  };
}

/** Reconciles freshly read tools with the stored ones and saves them; shared by spec re-imports and MCP re-syncs. */
export async function applySync(
  ctx: AdminContext,
  plugin: Plugin,
  drafts: readonly ToolDraft[],
  actor: string,
): Promise<Omit<SyncResult, 'warnings'>> {
  const now = new Date(ctx.clock.now()).toISOString();
  const reconciled = reconcileTools({
    pluginId: plugin.id,
    pluginName: plugin.name,
    existing: await ctx.plugins.listTools(plugin.id),
    drafts,
    firstImport: false,
    actor,
    now,
    blockingFindings: blockingFindingsFor(drafts, plugin.name),
  });
  const synced: Plugin = { ...plugin, syncedAt: now };
  await ctx.plugins.saveSync(
    synced,
    reconciled.tools.map((r) => r.tool),
    now,
  );
  await ctx.catalog.reload();
  return {
    plugin: synced,
    tools: reconciled.tools.map(({ tool, change }) => ({
      name: tool.name,
      change,
      status: tool.status,
      definitionHash: tool.definitionHash,
      ...(tool.approvedHash !== undefined ? { approvedHash: tool.approvedHash } : {}),
    })),
    failures: reconciled.failures,
  };
}
