import { createRequire } from 'node:module';
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../json-value.js';
import { assertSelfContained } from '../openapi/assert-self-contained.js';
import type { ImportWarning } from '../spec-import.js';

/** The part of swagger2openapi (CommonJS, untyped) this module uses. */
interface ConverterOptions {
  /** Fix common mistakes instead of failing; counts them in `patches`. */
  patch: boolean;
  /** Mark lossy conversions with `x-s2o-warning` instead of failing. */
  warnOnly: boolean;
  /** Never follow external `$ref`s: resolving would fetch URLs and files chosen by the spec's author. */
  resolve: false;
  /** Resolve with the converted document rather than the options object. */
  direct: true;
  /** Clone objects shared through YAML anchors instead of refusing the document. */
  anchors: boolean;
  patches?: number;
}
interface Swagger2OpenApi {
  convertObj(swagger: Record<string, unknown>, options: ConverterOptions): Promise<unknown>;
}

// swagger2openapi is CommonJS without type declarations; `require` keeps its shape declared in one place.
const converter = createRequire(import.meta.url)('swagger2openapi') as Swagger2OpenApi;

const WARNING_KEY = 'x-s2o-warning';
export const UPGRADED_WARNING = 'The spec is Swagger 2.0; it was upgraded to OpenAPI 3.0 on import. Prefer publishing OpenAPI 3.';

export interface UpgradedSwagger {
  readonly doc: Record<string, unknown>;
  readonly warnings: ImportWarning[];
}

function specInvalid(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

/**
 * Converts a parsed Swagger 2.0 document to OpenAPI 3.0 with swagger2openapi, offline: the document must be
 * self-contained (checked first, so the converter never sees a cycle or an external `$ref`), common mistakes
 * are patched and lossy conversions reported, both as warnings. Anything the converter refuses is SPEC_INVALID.
 */
export async function upgradeSwagger(swagger: Record<string, unknown>): Promise<UpgradedSwagger> {
  assertSelfContained(swagger);
  const options: ConverterOptions = { patch: true, warnOnly: true, resolve: false, direct: true, anchors: true };
  let converted: unknown;
  try {
    converted = await converter.convertObj(swagger, options);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw specInvalid(`The Swagger 2.0 spec could not be upgraded to OpenAPI 3: ${reason.replace(/^\(Patchable\) /, '')}`);
  }
  if (!isRecord(converted)) throw specInvalid('The Swagger 2.0 spec could not be upgraded to OpenAPI 3: the converter returned nothing.');

  const warnings: ImportWarning[] = [{ message: UPGRADED_WARNING }];
  const patches = options.patches ?? 0;
  if (patches > 0) {
    warnings.push({ message: `The converter fixed ${patches} common mistake${patches === 1 ? '' : 's'} in the Swagger 2.0 spec.` });
  }
  for (const message of takeConverterWarnings(converted)) warnings.push({ message: `Upgrading from Swagger 2.0: ${message}` });
  return { doc: converted, warnings };
}

/**
 * Removes the converter's `x-s2o-warning` markers and returns their texts, once each. The converted document
 * is a fresh tree (no cycles: its input passed `assertSelfContained` and anchors were cloned).
 */
function takeConverterWarnings(doc: Record<string, unknown>): string[] {
  const messages = new Set<string>();
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) stack.push(item);
    } else if (isRecord(value)) {
      const marker = value[WARNING_KEY];
      if (marker !== undefined) {
        messages.add(typeof marker === 'string' ? marker : JSON.stringify(marker));
        delete value[WARNING_KEY];
      }
      for (const child of Object.values(value)) stack.push(child);
    }
  }
  return [...messages];
}
