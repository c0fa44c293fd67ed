import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/gateway-error.js';
import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';
import { reconcileTools } from '../plugins/pinning/reconcile-tools.js';
import type { ImportWarning, OperationFailure, ToolDraft } from '../plugins/spec-import.js';
import type { AdminContext } from './admin-context.js';
import { blockingFindingsFor, lintInstructions } from './lint-plugin.js';
import { readPluginSource, type PluginSource } from './read-plugin-source.js';

export interface RegisterPluginInput {
  readonly name: string;
  /** URL or file path of the spec; with `specText`, only a label of where it came from. */
  readonly source: string;
  readonly specText?: string;
  readonly baseUrl?: string;
  readonly allowPrivateNetwork?: boolean;
  readonly timeoutMs?: number;
  readonly lenient?: boolean;
  /** The source is a file the operator named (config, examples): the gateway may read it. */
  readonly allowLocalFile?: boolean;
  /** Name of the admin importing; recorded as the approver of what the import activates. */
  readonly actor?: string;
}

export interface RegisteredPlugin {
  readonly plugin: Plugin;
  readonly tools: readonly Tool[];
  readonly warnings: readonly ImportWarning[];
  readonly failures: readonly OperationFailure[];
}

/** The base URL calls go to: the admin's override, else the spec's; it must be absolute. */
export function requireBaseUrl(source: PluginSource, override: string | undefined): string {
  const baseUrl = override ?? source.imported.baseUrl;
  if (baseUrl === undefined || !/^https?:\/\//.test(baseUrl)) {
    throw new GatewayError('SPEC_INVALID', {
      message: `The spec has no absolute server URL${baseUrl ? ` ("${baseUrl}")` : ''}. Pass baseUrl with the import.`,
      details: { field: 'servers' },
    });
  }
  return baseUrl;
}

/**
 * Imports a plugin document (OpenAPI 3.0/3.1, Swagger 2.0, or a ChatGPT plugin by URL) as a new plugin. The
 * admin's import approves its tools (their hashes are pinned), except those the description lint flags:
 * they wait in `pending_review`.
 */
export async function registerPlugin(ctx: AdminContext, input: RegisterPluginInput): Promise<RegisteredPlugin> {
  const allowPrivateNetwork = input.allowPrivateNetwork ?? false;
  const source = await readPluginSource(ctx, { ...input, allowPrivateNetwork });
  const baseUrl = requireBaseUrl(source, input.baseUrl);
  const { imported } = source;
  if (imported.tools.length === 0) {
    throw new GatewayError('SPEC_INVALID', {
      message: 'The spec has no operation that could be imported. Fix the operations listed in "details".',
      details: { failures: imported.failures },
    });
  }
  const now = new Date(ctx.clock.now()).toISOString();
  const plugin: Plugin = {
    id: randomUUID(),
    name: input.name,
    kind: 'openapi',
    title: imported.title,
    description: source.description ?? imported.description,
    baseUrl,
    allowPrivateNetwork,
    timeoutMs: input.timeoutMs ?? ctx.defaultTimeoutMs,
    status: 'active',
    source: input.source,
    createdAt: now,
    syncedAt: now,
    ...(source.instructions !== undefined ? { instructions: source.instructions } : {}),
    credentialRequirements: source.credentialRequirements.map((r) => ({ ...r })),
  };
  const stored = await storeNewPlugin(ctx, plugin, imported.tools, input.actor ?? 'import');
  return {
    plugin,
    tools: stored.tools,
    warnings: [...imported.warnings, ...lintInstructions(source.instructions, plugin.name)],
    failures: [...imported.failures, ...stored.failures],
  };
}

/**
 * Stores a newly imported plugin with its tools, pinned as approved by `actor` (the import is the review),
 * except what the description lint holds back. Shared by spec and MCP imports.
 */
export async function storeNewPlugin(
  ctx: AdminContext,
  plugin: Plugin,
  drafts: readonly ToolDraft[],
  actor: string,
): Promise<{ tools: Tool[]; failures: readonly OperationFailure[] }> {
  const reconciled = reconcileTools({
    pluginId: plugin.id,
    pluginName: plugin.name,
    existing: [],
    drafts,
    firstImport: true,
    actor,
    now: plugin.createdAt,
    blockingFindings: blockingFindingsFor(drafts, plugin.name),
  });
  const tools = reconciled.tools.map((r) => r.tool);
  await ctx.plugins.insert(plugin, tools);
  await ctx.catalog.reload();
  return { tools, failures: reconciled.failures };
}
