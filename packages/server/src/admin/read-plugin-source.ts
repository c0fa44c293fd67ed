import { GatewayError } from '../core/gateway-error.js';
import { discoverManifestUrl } from '../plugins/ai-plugin/discover-manifest-url.js';
import { importAiPlugin } from '../plugins/ai-plugin/import-ai-plugin.js';
import type { CredentialRequirement } from '../plugins/credential-requirement.js';
import { detectSpecFormat } from '../plugins/detect-spec-format.js';
import { importSpecDocument } from '../plugins/import-spec-document.js';
import { loadSpecSource } from '../plugins/load-spec-source.js';
import { parseSpecDocument } from '../plugins/parse-spec-document.js';
import type { SpecImport } from '../plugins/spec-import.js';
import type { AdminContext } from './admin-context.js';

export interface PluginSourceInput {
  readonly name: string;
  /** URL or file path of the spec; with `specText`, only a label of where it came from. */
  readonly source: string;
  readonly specText?: string;
  readonly baseUrl?: string;
  readonly allowPrivateNetwork: boolean;
  /** Accept ChatGPT manifests with the mistakes ChatGPT tolerated, as warnings. */
  readonly lenient?: boolean;
  /**
   * Read a file path on the gateway's machine. Only for sources the operator declared (config, examples):
   * over the API a path names a file on the caller's machine, and reading server files for callers is a leak.
   */
  readonly allowLocalFile?: boolean;
}

/** What one read of a plugin's source yields, whatever its format. */
export interface PluginSource {
  readonly imported: SpecImport;
  readonly description?: string;
  /** Text the source addresses to models about the whole plugin (a manifest's `description_for_model`). */
  readonly instructions?: string;
  readonly credentialRequirements: readonly CredentialRequirement[];
}

/**
 * Reads what the admin pointed at. A site URL (no path) or a URL that holds a ChatGPT plugin manifest goes
 * through the manifest; anything else is an API document (OpenAPI 3.x or Swagger 2.0).
 */
export async function readPluginSource(ctx: AdminContext, input: PluginSourceInput): Promise<PluginSource> {
  const fetchText = (url: string): Promise<string> => ctx.fetchText(url, input.allowPrivateNetwork);
  const aiOptions = { pluginName: input.name, lenient: input.lenient ?? false };
  const isUrl = input.specText === undefined && /^https?:\/\//.test(input.source);
  if (isUrl && new URL(input.source).pathname.replace(/\/$/, '') === '') {
    return fromAiPlugin(await importAiPlugin(discoverManifestUrl(input.source), { fetchText }, aiOptions));
  }
  if (input.specText === undefined && !isUrl && input.allowLocalFile !== true) {
    throw new GatewayError('BAD_REQUEST', {
      message: `The plugin's source "${input.source}" is a local file the gateway cannot read; send its text as "spec" (the CLI does this with --spec).`,
      details: { path: 'body/spec' },
    });
  }
  const text = input.specText ?? (await loadSpecSource(input.source, { fetchText })).text;
  const doc = parseSpecDocument(text);
  if (detectSpecFormat(doc).kind === 'ai-plugin-manifest') {
    if (!isUrl) {
      throw new GatewayError('SPEC_INVALID', {
        message: 'This is a ChatGPT plugin manifest; import it by its URL so its OpenAPI spec can be fetched from beside it.',
        details: { field: 'source' },
      });
    }
    return fromAiPlugin(await importAiPlugin(input.source, { fetchText }, { ...aiOptions, manifestDocument: doc }));
  }
  const imported = await importSpecDocument(doc, {
    pluginName: input.name,
    ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}),
  });
  return { imported, credentialRequirements: imported.credentialRequirements };
}

function fromAiPlugin(plugin: Awaited<ReturnType<typeof importAiPlugin>>): PluginSource {
  const { manifest, specImport } = plugin;
  return {
    imported: specImport,
    description: manifest.descriptionForHuman,
    ...(manifest.instructions !== '' ? { instructions: manifest.instructions } : {}),
    // The manifest's auth is what ChatGPT used; the spec's own security schemes add to it.
    credentialRequirements: [manifest.credentialRequirement, ...specImport.credentialRequirements],
  };
}
