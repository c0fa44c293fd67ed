import { GatewayError } from '../../core/gateway-error.js';
import { importSpecDocument } from '../import-spec-document.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import type { SpecImport } from '../spec-import.js';
import { snakeCase } from '../tool-naming.js';
import { parseAiPluginManifest, type AiPluginManifest } from './parse-ai-plugin-manifest.js';

export interface AiPluginDeps {
  /** Fetches a URL; the caller wires the SSRF-safe fetcher here, so this module never opens sockets. */
  fetchText(url: string): Promise<string>;
}

export interface AiPluginImportOptions {
  /** Prefix of every tool name; defaults to the manifest's `name_for_model` in snake case. */
  readonly pluginName?: string;
  readonly lenient?: boolean;
  /** The manifest, when the caller already fetched and parsed it (so it is not fetched twice). */
  readonly manifestDocument?: Record<string, unknown>;
}

export interface AiPluginImport {
  readonly manifest: AiPluginManifest;
  readonly manifestUrl: string;
  readonly specUrl: string;
  /** The spec's import; its warnings start with the manifest's. */
  readonly specImport: SpecImport;
}

async function fetchDocument(deps: AiPluginDeps, url: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await deps.fetchText(url);
  } catch (err) {
    // The fetcher's own errors (e.g. EGRESS_BLOCKED) already say what to do.
    if (err instanceof GatewayError) throw err;
    const message = `Could not fetch the plugin's ${what} from ${url}. Check the URL and that the gateway may reach it.`;
    throw new GatewayError('SPEC_FETCH_FAILED', {
      message,
      details: { problem: message },
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  return parseSpecDocument(text);
}

/**
 * Imports a ChatGPT plugin: fetches its manifest, checks it, then fetches and imports the OpenAPI (or
 * Swagger 2.0) spec its `api.url` names. Specs without an absolute server URL get the spec's own origin,
 * where ChatGPT plugins were served from, with a warning.
 */
export async function importAiPlugin(manifestUrl: string, deps: AiPluginDeps, opts: AiPluginImportOptions = {}): Promise<AiPluginImport> {
  const manifestDoc = opts.manifestDocument ?? (await fetchDocument(deps, manifestUrl, 'manifest'));
  const { manifest, warnings } = parseAiPluginManifest(manifestDoc, { manifestUrl, lenient: opts.lenient ?? false });
  const pluginName = opts.pluginName ?? (snakeCase(manifest.nameForModel) || 'plugin');

  const specDoc = await fetchDocument(deps, manifest.specUrl, 'OpenAPI spec');
  const imported = await importSpecDocument(specDoc, { pluginName });
  let baseUrl = imported.baseUrl;
  const specWarnings = [...imported.warnings];
  if (baseUrl === undefined) {
    baseUrl = new URL(manifest.specUrl).origin;
    specWarnings.push({ message: `The spec names no absolute server URL; using the origin it was served from, ${baseUrl}.` });
  }
  return {
    manifest,
    manifestUrl,
    specUrl: manifest.specUrl,
    specImport: { ...imported, baseUrl, warnings: [...warnings, ...specWarnings] },
  };
}
