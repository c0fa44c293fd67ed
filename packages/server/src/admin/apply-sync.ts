import { randomUUID } from 'node:crypto';
import { openAuditEvent } from '../core/audit-event.js';
import { GatewayError } from '../core/gateway-error.js';
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

/**
 * Reconciles freshly read tools with the stored ones and saves them; shared by spec re-imports and MCP
 * re-syncs. Runs under the plugin's lock (review decisions take it too) and is audited whoever started it:
 * an admin, the config at start-up, or an MCP server's `list_changed`.
 */
export async function applySync(
  ctx: AdminContext,
  plugin: Plugin,
  drafts: readonly ToolDraft[],
  actor: string,
): Promise<Omit<SyncResult, 'warnings'>> {
  const result = await ctx.locks.run(plugin.id, () => reconcileAndSave(ctx, plugin, drafts, actor));
  const counts = new Map<string, number>();
  for (const t of result.tools) counts.set(t.change, (counts.get(t.change) ?? 0) + 1);
  const waiting = result.tools.filter((t) => t.status === 'pending_review').length;
  await ctx.audit.append({
    ...openAuditEvent({
      callId: randomUUID(),
      time: new Date(ctx.clock.now()).toISOString(),
      type: 'admin',
      surface: 'admin',
      requestId: randomUUID(),
      environment: ctx.environment,
      action: 'plugins.sync',
    }),
    principalName: actor,
    pluginName: plugin.name,
    decision: 'allow',
    outcome: 'success',
    reason: `synced ${plugin.name}: ${[...counts].map(([change, n]) => `${n} ${change}`).join(', ')}; ${waiting} waiting for review`,
  });
  return result;
}

async function reconcileAndSave(
  ctx: AdminContext,
  plugin: Plugin,
  drafts: readonly ToolDraft[],
  actor: string,
): Promise<Omit<SyncResult, 'warnings'>> {
  const stored = await ctx.plugins.findByName(plugin.name);
  if (stored?.id !== plugin.id) {
    throw new GatewayError('NOT_FOUND', { message: `Plugin "${plugin.name}" was removed while it was being synced.` });
  }
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
