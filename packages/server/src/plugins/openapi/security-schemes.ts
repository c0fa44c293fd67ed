import type { OAuthFlow, OAuthFlowType, SecuritySchemeRequirement } from '../credential-requirement.js';
import { isRecord } from '../json-value.js';
import type { SecurityAlternative, SecurityRequirements } from '../spec-import.js';
import { ImportProblem } from '../spec-import.js';
import { appendPointer, dereference } from './json-pointer.js';

export interface DocumentSecurity {
  readonly credentialRequirements: SecuritySchemeRequirement[];
  readonly security: SecurityRequirements;
}

const FLOW_TYPES: readonly OAuthFlowType[] = ['authorizationCode', 'clientCredentials', 'implicit', 'password', 'deviceAuthorization'];
const FLOW_URLS = ['authorizationUrl', 'tokenUrl', 'refreshUrl', 'deviceAuthorizationUrl'] as const;
const API_KEY_LOCATIONS = ['header', 'query', 'cookie'] as const;

type SchemeShape = SecuritySchemeRequirement extends infer R ? (R extends unknown ? Omit<R, 'schemeName' | 'use'> : never) : never;

/** A `security` list as alternatives; anything malformed is dropped with a warning rather than guessed at. */
function alternativesOf(value: unknown, where: string, warn: (message: string) => void): SecurityAlternative[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    warn(`${where}: "security" is not a list; ignored`);
    return undefined;
  }
  const alternatives: SecurityAlternative[] = [];
  for (const item of value as unknown[]) {
    if (!isRecord(item)) {
      warn(`${where}: a "security" entry is not an object; ignored`);
      continue;
    }
    alternatives.push(
      Object.entries(item).map(([schemeName, scopes]) => ({
        schemeName,
        scopes: Array.isArray(scopes) ? (scopes as unknown[]).filter((s): s is string => typeof s === 'string') : [],
      })),
    );
  }
  return alternatives;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function flowsOf(raw: unknown, warn: (message: string) => void): OAuthFlow[] {
  if (!isRecord(raw)) return [];
  const flows: OAuthFlow[] = [];
  for (const type of FLOW_TYPES) {
    const flow = raw[type];
    if (!isRecord(flow)) continue;
    const scopes: Record<string, string> = {};
    if (isRecord(flow['scopes'])) {
      for (const [scope, description] of Object.entries(flow['scopes'])) {
        Object.defineProperty(scopes, scope, { value: typeof description === 'string' ? description : '', enumerable: true });
      }
    }
    const urls: Partial<Record<(typeof FLOW_URLS)[number], string>> = {};
    for (const key of FLOW_URLS) {
      const url = text(flow[key]);
      if (url !== undefined) urls[key] = url;
    }
    if (type !== 'implicit' && urls.tokenUrl === undefined) warn(`OAuth 2 flow "${type}" has no tokenUrl`);
    flows.push({ type, ...urls, scopes });
  }
  return flows;
}

/** One Security Scheme Object as a requirement; undefined (with a warning) when it cannot be used as written. */
function schemeOf(raw: Record<string, unknown>, warn: (message: string) => void): SchemeShape | undefined {
  switch (raw['type']) {
    case 'apiKey': {
      const location = API_KEY_LOCATIONS.find((l) => l === raw['in']);
      const name = text(raw['name']);
      if (location === undefined || name === undefined) {
        warn(`an apiKey scheme needs "in" (header, query or cookie) and "name"; got in: ${JSON.stringify(raw['in'])}`);
        return undefined;
      }
      return { kind: 'api_key', in: location, name };
    }
    case 'http': {
      const httpScheme = text(raw['scheme'])?.toLowerCase();
      if (httpScheme === undefined) {
        warn('an http scheme has no "scheme" (bearer, basic, …)');
        return undefined;
      }
      const bearerFormat = text(raw['bearerFormat']);
      return { kind: 'http_auth', httpScheme, ...(bearerFormat !== undefined ? { bearerFormat } : {}) };
    }
    case 'oauth2': {
      const flows = flowsOf(raw['flows'], warn);
      if (flows.length === 0) warn('an oauth2 scheme has no flows');
      return { kind: 'oauth2_flows', flows };
    }
    case 'openIdConnect': {
      const openIdConnectUrl = text(raw['openIdConnectUrl']);
      if (openIdConnectUrl === undefined) {
        warn('an openIdConnect scheme has no openIdConnectUrl');
        return undefined;
      }
      return { kind: 'openid_connect', openIdConnectUrl };
    }
    case 'mutualTLS':
      return { kind: 'mutual_tls' };
    default:
      warn(`security scheme type ${JSON.stringify(raw['type'])} is not known`);
      return undefined;
  }
}

/**
 * Reads `components.securitySchemes` and the `security` requirements of the document and its operations
 * (`operationSecurity`: `METHOD /path` → the operation's raw `security`, in document order). Every declared
 * scheme is returned with where it is used; a scheme no requirement names has an empty use.
 */
export function readDocumentSecurity(
  doc: Record<string, unknown>,
  operationSecurity: ReadonlyMap<string, unknown>,
  warn: (message: string) => void,
): DocumentSecurity {
  const global = alternativesOf(doc['security'], 'the document', warn) ?? [];
  const operations: Record<string, readonly SecurityAlternative[]> = {};
  for (const [operation, raw] of operationSecurity) {
    const alternatives = alternativesOf(raw, operation, warn);
    if (alternatives !== undefined) Object.defineProperty(operations, operation, { value: alternatives, enumerable: true });
  }

  const components = isRecord(doc['components']) ? doc['components'] : {};
  const declared = isRecord(components['securitySchemes']) ? components['securitySchemes'] : {};
  const requirements: SecuritySchemeRequirement[] = [];
  for (const [schemeName, rawScheme] of Object.entries(declared)) {
    const schemeWarn = (message: string): void => warn(`security scheme "${schemeName}": ${message}; it is not recorded`);
    let raw: Record<string, unknown>;
    try {
      raw = dereference(doc, rawScheme, `security scheme ${appendPointer('#/components/securitySchemes', schemeName)}`);
    } catch (err) {
      schemeWarn(err instanceof ImportProblem ? err.message : String(err));
      continue;
    }
    const shape = schemeOf(raw, schemeWarn);
    if (shape === undefined) continue;
    const scopes = new Set<string>();
    // Collects the scopes asked for with this scheme while answering whether it is named at all.
    const uses = (alternatives: readonly SecurityAlternative[]): boolean => {
      let found = false;
      for (const entry of alternatives.flat()) {
        if (entry.schemeName !== schemeName) continue;
        found = true;
        for (const scope of entry.scopes) scopes.add(scope);
      }
      return found;
    };
    const use = {
      global: uses(global),
      operations: Object.entries(operations)
        .filter(([, alternatives]) => uses(alternatives))
        .map(([operation]) => operation),
    };
    requirements.push({ ...shape, schemeName, use: { ...use, scopes: [...scopes].sort() } });
  }

  const named = new Set([global, ...Object.values(operations)].flatMap((list) => list.flatMap((alt) => alt.map((s) => s.schemeName))));
  for (const name of named) {
    if (!Object.hasOwn(declared, name)) warn(`"security" names the scheme "${name}", which components.securitySchemes does not declare`);
  }
  return { credentialRequirements: requirements, security: { global, operations } };
}
