import { GatewayError } from '../../core/gateway-error.js';
import type { CredentialRequirement, HttpAuthScheme } from '../credential-requirement.js';
import { isRecord } from '../json-value.js';
import type { ImportWarning } from '../spec-import.js';

/** The limits ChatGPT enforced last (they grew over time; see notes/plugin-formats.md). */
export const MANIFEST_LIMITS = {
  nameForModel: 50,
  nameForHuman: 50,
  descriptionForHuman: 120,
  descriptionForModel: 8000,
} as const;

/** A ChatGPT plugin manifest (`ai-plugin.json`), checked and in our words. */
export interface AiPluginManifest {
  readonly nameForModel: string;
  readonly nameForHuman: string;
  readonly descriptionForHuman: string;
  /** `description_for_model`: what the model was told about the plugin; kept for the tools' context. */
  readonly instructions: string;
  readonly credentialRequirement: CredentialRequirement;
  /** `api.url`, made absolute against the manifest's URL. */
  readonly specUrl: string;
  readonly logoUrl: string | undefined;
  readonly contactEmail: string | undefined;
  readonly legalInfoUrl: string | undefined;
}

export interface ParsedAiPluginManifest {
  readonly manifest: AiPluginManifest;
  readonly warnings: ImportWarning[];
}

export interface ParseManifestOptions {
  /** Where the manifest was fetched from; relative URLs in it resolve against this. */
  readonly manifestUrl: string;
  /** Report problems a ChatGPT-era client tolerated as warnings instead of failing. */
  readonly lenient?: boolean;
}

const OAUTH_DEFAULT_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * Collects manifest problems. `tolerable` ones fail in strict mode and are warnings in lenient mode;
 * the others (nothing to import without them) fail in both.
 */
class ManifestReader {
  readonly warnings: ImportWarning[] = [];
  constructor(private readonly lenient: boolean) {}

  fail(field: string, problem: string): never {
    const message = `The plugin manifest's "${field}" ${problem}.`;
    throw new GatewayError('SPEC_INVALID', { message, details: { field, problem: message } });
  }

  tolerable(field: string, problem: string): void {
    if (!this.lenient) this.fail(field, problem);
    this.warnings.push({ message: `The plugin manifest's "${field}" ${problem}.` });
  }

  /** A string field; a missing or non-string one is tolerable and reads as ''. */
  text(obj: Record<string, unknown>, field: string, path: string, max?: number): string {
    const value = obj[field];
    if (typeof value !== 'string' || value.trim() === '') {
      this.tolerable(path, value === undefined ? 'is missing' : 'is not a non-empty string');
      return typeof value === 'string' ? value : '';
    }
    if (max !== undefined && [...value].length > max) this.tolerable(path, `is longer than ${max} characters`);
    return value;
  }

  /** An optional string field; a wrong type is tolerable and reads as absent. */
  optionalText(obj: Record<string, unknown>, field: string): string | undefined {
    const value = obj[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    this.tolerable(field, 'is not a string');
    return undefined;
  }
}

function absoluteUrl(reader: ManifestReader, field: string, value: string, base: string): string {
  const url = URL.canParse(value, base) ? new URL(value, base) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    reader.fail(field, `is not an http(s) URL ("${value}")`);
  return url.href;
}

/**
 * Checks a parsed `ai-plugin.json` against the fields and limits ChatGPT enforced. Strict mode fails with
 * SPEC_INVALID naming the first bad field; lenient mode, for the messy manifests published in the wild,
 * turns what can still be imported into warnings. A manifest without `api.url` fails in both modes.
 */
export function parseAiPluginManifest(doc: unknown, opts: ParseManifestOptions): ParsedAiPluginManifest {
  // Annotated so `reader.fail` (returns never) narrows types in this function.
  const reader: ManifestReader = new ManifestReader(opts.lenient ?? false);
  if (!isRecord(doc)) reader.fail('(document)', 'is not a JSON object');

  if (doc['schema_version'] !== 'v1') reader.tolerable('schema_version', `is ${JSON.stringify(doc['schema_version'])}, not "v1"`);

  const nameForModel = reader.text(doc, 'name_for_model', 'name_for_model', MANIFEST_LIMITS.nameForModel);
  if (nameForModel.trim() === '') reader.fail('name_for_model', 'is missing');
  if (/\s/.test(nameForModel)) reader.tolerable('name_for_model', 'contains spaces');
  const nameForHuman = reader.text(doc, 'name_for_human', 'name_for_human', MANIFEST_LIMITS.nameForHuman);
  const descriptionForHuman = reader.text(doc, 'description_for_human', 'description_for_human', MANIFEST_LIMITS.descriptionForHuman);
  const instructions = reader.text(doc, 'description_for_model', 'description_for_model', MANIFEST_LIMITS.descriptionForModel);

  const api = doc['api'];
  if (!isRecord(api)) reader.fail('api', 'is missing; it names the OpenAPI spec to import');
  if (api['type'] !== 'openapi') reader.tolerable('api.type', `is ${JSON.stringify(api['type'])}, not "openapi"`);
  const rawSpecUrl = api['url'];
  if (typeof rawSpecUrl !== 'string' || rawSpecUrl.trim() === '') reader.fail('api.url', 'is missing; it names the OpenAPI spec to import');
  const specUrl = absoluteUrl(reader, 'api.url', rawSpecUrl.trim(), opts.manifestUrl);

  const credentialRequirement = credentialRequirementOf(reader, doc['auth'], opts.manifestUrl);
  const logo = reader.optionalText(doc, 'logo_url');
  const legal = reader.optionalText(doc, 'legal_info_url');
  return {
    manifest: {
      nameForModel: nameForModel.trim(),
      nameForHuman: nameForHuman.trim(),
      descriptionForHuman: descriptionForHuman.trim(),
      instructions: instructions.trim(),
      credentialRequirement,
      specUrl,
      logoUrl: logo === undefined ? undefined : absoluteUrl(reader, 'logo_url', logo, opts.manifestUrl),
      contactEmail: reader.optionalText(doc, 'contact_email'),
      legalInfoUrl: legal === undefined ? undefined : absoluteUrl(reader, 'legal_info_url', legal, opts.manifestUrl),
    },
    warnings: reader.warnings,
  };
}

function httpScheme(reader: ManifestReader, auth: Record<string, unknown>): HttpAuthScheme {
  const value = auth['authorization_type'];
  if (value === 'bearer' || value === 'basic') return value;
  const lower = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (lower === 'bearer' || lower === 'basic') {
    reader.tolerable('auth.authorization_type', `is "${String(value)}"; read as "${lower}"`);
    return lower;
  }
  // Guessing how to send a credential would send it wrongly, or somewhere it does not belong.
  return reader.fail('auth.authorization_type', `is ${JSON.stringify(value)}, not "bearer" or "basic"`);
}

/** Only the presence of verification tokens is kept: their values are secrets shared with OpenAI. */
function hasVerificationTokens(auth: Record<string, unknown>): boolean {
  const tokens = auth['verification_tokens'];
  return isRecord(tokens) && Object.values(tokens).some((token) => typeof token === 'string' && token !== '');
}

function credentialRequirementOf(reader: ManifestReader, auth: unknown, manifestUrl: string): CredentialRequirement {
  if (auth === undefined) {
    reader.tolerable('auth', 'is missing; read as "none"');
    return { kind: 'none' };
  }
  if (!isRecord(auth)) return reader.fail('auth', 'is not an object');
  switch (auth['type']) {
    case 'none':
      return { kind: 'none' };
    case 'user_http':
      return { kind: 'user_token', scheme: httpScheme(reader, auth) };
    case 'service_http': {
      const scheme = httpScheme(reader, auth);
      if (!hasVerificationTokens(auth)) reader.tolerable('auth.verification_tokens', 'is missing');
      return { kind: 'service_token', scheme, hasVerificationTokens: hasVerificationTokens(auth) };
    }
    case 'oauth': {
      const clientUrl = reader.text(auth, 'client_url', 'auth.client_url');
      const authorizationUrl = reader.text(auth, 'authorization_url', 'auth.authorization_url');
      const scope = typeof auth['scope'] === 'string' ? auth['scope'] : '';
      let contentType = auth['authorization_content_type'];
      if (typeof contentType !== 'string' || contentType.trim() === '') {
        reader.tolerable('auth.authorization_content_type', `is missing; read as "${OAUTH_DEFAULT_CONTENT_TYPE}"`);
        contentType = OAUTH_DEFAULT_CONTENT_TYPE;
      }
      return {
        kind: 'oauth2',
        clientUrl: absoluteUrl(reader, 'auth.client_url', clientUrl, manifestUrl),
        authorizationUrl: absoluteUrl(reader, 'auth.authorization_url', authorizationUrl, manifestUrl),
        scope,
        contentType: String(contentType).trim(),
        hasVerificationTokens: hasVerificationTokens(auth),
      };
    }
    default:
      return reader.fail('auth.type', `is ${JSON.stringify(auth['type'])}, not one of "none", "user_http", "service_http", "oauth"`);
  }
}
