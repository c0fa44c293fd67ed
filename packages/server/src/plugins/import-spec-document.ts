import { GatewayError } from '../core/gateway-error.js';
import { detectSpecFormat } from './detect-spec-format.js';
import { importOpenApi } from './openapi/import-openapi.js';
import type { SpecImport } from './spec-import.js';
import { upgradeSwagger } from './swagger/upgrade-swagger.js';

export interface SpecImportOptions {
  readonly pluginName: string;
  readonly baseUrl?: string;
}

function specInvalid(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

/**
 * Imports a parsed API document with the importer for its format; new formats plug in here, as a
 * case of the switch. Swagger 2.0 is upgraded to OpenAPI 3 first (the converter is asynchronous),
 * and the upgrade's warnings come first in the result.
 */
export async function importSpecDocument(doc: Record<string, unknown>, opts: SpecImportOptions): Promise<SpecImport> {
  const format = detectSpecFormat(doc);
  switch (format.kind) {
    case 'openapi':
      return importOpenApi(doc, opts);
    case 'swagger': {
      const upgraded = await upgradeSwagger(doc);
      const imported = importOpenApi(upgraded.doc, opts);
      return { ...imported, warnings: [...upgraded.warnings, ...imported.warnings] };
    }
    case 'ai-plugin-manifest':
      throw specInvalid(
        'This is a ChatGPT plugin manifest (ai-plugin.json): import it by its URL, or by the site URL, so its spec can be fetched.',
      );
    case 'unknown':
      throw specInvalid('The document is not an OpenAPI spec: it has no "openapi" version field.');
  }
}
