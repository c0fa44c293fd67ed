import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/gateway-error.js';
import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';
import { loadSpecSource } from '../plugins/load-spec-source.js';
import { importSpecDocument } from '../plugins/import-spec-document.js';
import { parseSpecDocument } from '../plugins/parse-spec-document.js';
import { discoverManifestUrl } from '../plugins/ai-plugin/discover-manifest-url.js';
import { importAiPlugin } from '../plugins/ai-plugin/import-ai-plugin.js';
import { detectSpecFormat } from '../plugins/detect-spec-format.js';
import type { SpecImport } from '../plugins/spec-import.js';
import type { AdminContext } from './admin-context.js';

export interface RegisterPluginInput {
  readonly name: string;
  /** URL or file path of the spec; with `specText`, only a label of where it came from. */
  readonly source: string;
  readonly specText?: string;
  readonly baseUrl?: string;
  readonly allowPrivateNetwork?: boolean;
  readonly timeoutMs?: number;
}

export interface RegisteredPlugin {
  readonly plugin: Plugin;
  readonly tools: readonly Tool[];
  readonly warnings: readonly unknown[];
  readonly failures: readonly unknown[];
}

/**
 * Reads what the admin pointed at. A site URL (no path) or a `.json` URL that holds a ChatGPT plugin
 * manifest goes through the manifest; anything else is an API document (OpenAPI 3.x or Swagger 2.0).
 */
async function importDocument(
  ctx: AdminContext,
  input: RegisterPluginInput,
  allowPrivateNetwork: boolean,
): Promise<{ imported: SpecImport; description?: string }> {
  const fetchText = (url: string): Promise<string> => ctx.fetchText(url, allowPrivateNetwork);
  const options = { pluginName: input.name, ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}) };
  const isUrl = input.specText === undefined && /^https?:\/\//.test(input.source);
  if (isUrl && new URL(input.source).pathname.replace(/\/$/, '') === '') {
    const plugin = await importAiPlugin(discoverManifestUrl(input.source), { fetchText }, { pluginName: input.name });
    return { imported: plugin.specImport, description: plugin.manifest.descriptionForHuman };
  }
  const text = input.specText ?? (await loadSpecSource(input.source, { fetchText })).text;
  const doc = parseSpecDocument(text);
  if (isUrl && detectSpecFormat(doc).kind === 'ai-plugin-manifest') {
    const plugin = await importAiPlugin(input.source, { fetchText }, { pluginName: input.name });
    return { imported: plugin.specImport, description: plugin.manifest.descriptionForHuman };
  }
  return { imported: await importSpecDocument(doc, options) };
}

/** Imports a plugin document (OpenAPI 3.0/3.1, Swagger 2.0, or a ChatGPT plugin by URL) as a plugin with its tools, stores them, and refreshes the catalog. */
export async function registerPlugin(ctx: AdminContext, input: RegisterPluginInput): Promise<RegisteredPlugin> {
  const allowPrivateNetwork = input.allowPrivateNetwork ?? false;
  const { imported, description } = await importDocument(ctx, input, allowPrivateNetwork);
  const baseUrl = input.baseUrl ?? imported.baseUrl;
  if (baseUrl === undefined || !/^https?:\/\//.test(baseUrl)) {
    throw new GatewayError('SPEC_INVALID', {
      message: `The spec has no absolute server URL${baseUrl ? ` ("${baseUrl}")` : ''}. Pass baseUrl with the import.`,
      details: { field: 'servers' },
    });
  }
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
    description: description ?? imported.description,
    baseUrl,
    allowPrivateNetwork,
    timeoutMs: input.timeoutMs ?? ctx.defaultTimeoutMs,
    status: 'active',
    source: input.source,
    createdAt: now,
  };
  const tools: Tool[] = imported.tools.map((draft) => ({
    ...draft,
    id: randomUUID(),
    pluginId: plugin.id,
    pluginName: plugin.name,
    status: 'active',
  }));
  await ctx.plugins.insert(plugin, tools);
  await ctx.catalog.reload();
  return { plugin, tools, warnings: imported.warnings, failures: imported.failures };
}
