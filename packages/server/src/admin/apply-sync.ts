import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';
import { reconcileTools, type ToolChange } from '../plugins/pinning/reconcile-tools.js';
import type { ImportWarning, OperationFailure, ToolDraft } from '../plugins/spec-import.js';
import type { AdminContext } from './admin-context.js';
import { blockingFindingsFor } from './lint-plugin.js';

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
