import type { Plugin } from '../core/plugin.js';
import type { AdminContext } from './admin-context.js';
import { applySync, type SyncResult } from './apply-sync.js';
import { lintInstructions } from './lint-plugin.js';
import { syncMcpPlugin } from './mcp-plugins.js';
import { readPluginSource } from './read-plugin-source.js';
import { requireBaseUrl } from './register-plugin.js';

export interface SyncInput {
  /** The spec text, for plugins imported from a local file or inline text. */
  readonly specText?: string;
  readonly lenient?: boolean;
  readonly actor: string;
  /** The source is a file the operator named (config, examples): the gateway may read it again. */
  readonly allowLocalFile?: boolean;
  /** Read from here instead of the stored source (the config's current `source` for declared plugins). */
  readonly source?: string;
}

/**
 * Re-reads a plugin's source (spec, manifest, or MCP server's tool list) and pins the result: changed and new tools wait for review,
 * tools gone from the source are marked removed. The base URL an admin set at import is kept.
 */
export async function syncPlugin(ctx: AdminContext, name: string, input: SyncInput): Promise<SyncResult> {
  const plugin = await ctx.plugins.require(name);
  if (plugin.kind === 'mcp') return syncMcpPlugin(ctx, plugin, input.actor);
  const source = await readPluginSource(ctx, {
    name,
    source: input.source ?? plugin.source,
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
