import { GatewayError } from '../core/gateway-error.js';
import { detectSpecFormat } from './detect-spec-format.js';
import { importOpenApi } from './openapi/import-openapi.js';
import { SWAGGER_REFUSAL } from './openapi/openapi-version.js';
import type { SpecImport } from './spec-import.js';

export interface SpecImportOptions {
  readonly pluginName: string;
  readonly baseUrl?: string;
}

function specInvalid(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

/**
 * Imports a parsed plugin document with the importer for its format. New formats (Swagger 2.0,
 * ai-plugin.json manifests) plug in here, as a case of the switch.
 */
export function importSpecDocument(doc: Record<string, unknown>, opts: SpecImportOptions): SpecImport {
  const format = detectSpecFormat(doc);
  switch (format.kind) {
    case 'openapi':
      return importOpenApi(doc, opts);
    case 'swagger':
      throw specInvalid(SWAGGER_REFUSAL);
    case 'ai-plugin-manifest':
      throw specInvalid('ChatGPT plugin manifests (ai-plugin.json) are not supported yet; import the OpenAPI spec its "api.url" names.');
    case 'unknown':
      throw specInvalid('The document is not an OpenAPI spec: it has no "openapi" version field.');
  }
}
