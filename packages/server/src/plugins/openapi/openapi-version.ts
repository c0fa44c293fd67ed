import { GatewayError } from '../../core/gateway-error.js';
import { detectSpecFormat } from '../detect-spec-format.js';

export type OpenApiVersion = '3.0' | '3.1';

/** Only reached by calling this importer directly: `importSpecDocument` upgrades Swagger 2.0 before it gets here. */
export const SWAGGER_REFUSAL =
  'This is a Swagger 2.0 document; the OpenAPI importer takes OpenAPI 3.0 and 3.1 only. Import it through importSpecDocument, which upgrades Swagger 2.0 to OpenAPI 3 first.';

function specInvalid(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

/** The OpenAPI minor version the importer handles, or a SPEC_INVALID that says what to do instead. */
export function openApiVersionOf(doc: Record<string, unknown>): OpenApiVersion {
  const format = detectSpecFormat(doc);
  if (format.kind === 'swagger') throw specInvalid(SWAGGER_REFUSAL);
  if (format.kind !== 'openapi') {
    throw specInvalid('The document is not an OpenAPI spec: it has no "openapi" version field.');
  }
  const match = /^(\d+)\.(\d+)(\.\d+)?(-[0-9A-Za-z.-]+)?$/.exec(format.version.trim());
  const minor = match ? `${match[1]}.${match[2]}` : undefined;
  if (minor === '3.0' || minor === '3.1') return minor;
  if (minor === '3.2') {
    throw specInvalid(
      `OpenAPI ${format.version} is not supported yet (QUERY operations and "in: querystring" parameters have no ` +
        'mapping to tools); publish the spec as OpenAPI 3.1 or 3.0.',
    );
  }
  throw specInvalid(`OpenAPI version "${format.version}" is not supported; Toolgate imports OpenAPI 3.0.x and 3.1.x.`);
}
