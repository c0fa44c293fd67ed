import { GatewayError } from '../../core/gateway-error.js';
import type { HttpMethod, JsonSchema } from '../../core/tool.js';
import { riskTierForOperation } from '../risk-tier.js';
import { SchemaCompileCheck } from '../schema-compile-check.js';
import { ImportProblem, type ImportWarning, type OperationFailure, type SpecImport, type ToolDraft } from '../spec-import.js';
import { toolDefinitionHash } from '../tool-definition-hash.js';
import { operationIdFromRoute, snakeCase, ToolNameRegistry } from '../tool-naming.js';
import { assertSelfContained } from './assert-self-contained.js';
import { resolveBaseUrl } from './base-url.js';
import { SchemaConverter } from './convert-schema.js';
import { buildInputSchema } from './input-schema.js';
import { isRecord } from '../json-value.js';
import { appendPointer, dereference } from './json-pointer.js';
import { openApiVersionOf } from './openapi-version.js';
import { buildOutputSchema } from './output-schema.js';
import { readDocumentSecurity } from './security-schemes.js';

export type OpenApiImport = SpecImport;

export interface OpenApiImportOptions {
  /** The plugin's short name; every tool name starts with `${pluginName}__`. */
  readonly pluginName: string;
  /** Wins over the spec's `servers`. */
  readonly baseUrl?: string;
}

/**
 * Output schemas longer than this (serialized, components included) are left out: models would pay for them
 * on every tool list, and compiling them per tool made very large specs (Stripe: 600 KB per tool) take minutes.
 */
export const MAX_OUTPUT_SCHEMA_CHARS = 100_000;
/** What the spec allows an operationId to be used as a tool name by every target. */
const PORTABLE_OPERATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Path Item keys that are operations, in the order the spec lists them. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Context {
  readonly doc: Record<string, unknown>;
  readonly pluginName: string;
  readonly request: SchemaConverter;
  readonly response: SchemaConverter;
  readonly names: ToolNameRegistry;
  readonly compiler: SchemaCompileCheck;
  readonly warn: (message: string) => void;
}

function specInvalid(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Imports an OpenAPI 3.0.x / 3.1.x document (already parsed) into tool drafts. Whole-document problems
 * (wrong version, external $refs) throw SPEC_INVALID; a problem in one operation only puts that operation
 * in `failures`, and everything imported differently from how it was written is in `warnings`.
 */
export function importOpenApi(doc: unknown, opts: OpenApiImportOptions): OpenApiImport {
  if (!isRecord(doc)) throw specInvalid('The document is not a JSON or YAML object, so it is not an OpenAPI spec.');
  openApiVersionOf(doc);
  assertSelfContained(doc);
  const paths = doc['paths'] ?? {};
  if (!isRecord(paths)) throw specInvalid('"paths" is not an object.');
  const info = isRecord(doc['info']) ? doc['info'] : {};

  const warnings: ImportWarning[] = [];
  const failures: OperationFailure[] = [];
  const tools: ToolDraft[] = [];
  let current: string | undefined;
  const warn = (message: string): void => {
    warnings.push(current === undefined ? { message } : { operation: current, message });
  };
  const baseUrl = resolveBaseUrl(doc, opts.baseUrl, warn);
  const ctx: Context = {
    doc,
    pluginName: opts.pluginName,
    request: new SchemaConverter(doc, 'request', warn),
    response: new SchemaConverter(doc, 'response', warn),
    names: new ToolNameRegistry(opts.pluginName),
    compiler: new SchemaCompileCheck(),
    warn,
  };

  if (Object.keys(paths).length === 0) warn('The spec has no paths, so no tools.');
  const operationSecurity = new Map<string, unknown>();
  for (const [path, rawItem] of Object.entries(paths)) {
    // The Paths Object may carry extensions (`x-codegen-contextRoot`); they are not routes.
    if (path.startsWith('x-')) continue;
    let item: Record<string, unknown>;
    try {
      item = dereference(doc, rawItem, `path item ${path}`);
    } catch (err) {
      failures.push({ operation: `* ${path}`, reason: reasonOf(err) });
      continue;
    }
    for (const method of METHODS) {
      if (item[method] === undefined) continue;
      const httpMethod = method.toUpperCase() as HttpMethod;
      current = `${httpMethod} ${path}`;
      const operation = item[method];
      if (isRecord(operation) && operation['security'] !== undefined) operationSecurity.set(current, operation['security']);
      try {
        tools.push(importOperation(ctx, path, item, httpMethod));
      } catch (err) {
        failures.push({ operation: current, reason: reasonOf(err) });
      }
    }
    current = undefined;
  }
  const { credentialRequirements, security } = readDocumentSecurity(doc, operationSecurity, warn);

  return {
    title: text(info['title']) || opts.pluginName,
    description: text(info['description']),
    baseUrl,
    tools,
    warnings,
    failures,
    credentialRequirements,
    security,
  };
}

function reasonOf(err: unknown): string {
  if (err instanceof ImportProblem) return err.message;
  // Not expected; still confined to this operation, and reported rather than hidden.
  return `internal error while importing: ${err instanceof Error ? err.message : String(err)}`;
}

function importOperation(ctx: Context, path: string, item: Record<string, unknown>, method: HttpMethod): ToolDraft {
  const at = appendPointer('#/paths', path, method.toLowerCase());
  const operation = item[method.toLowerCase()];
  if (!isRecord(operation)) throw new ImportProblem('the operation is not an object');
  if (!path.startsWith('/')) throw new ImportProblem(`path "${path}" does not start with "/"`);

  const operationId = text(operation['operationId']);
  let sourceName = operationId;
  if (operationId === '') {
    sourceName = operationIdFromRoute(method, path);
    ctx.warn(`no operationId; named after the route: "${sourceName}"`);
  } else if (snakeCase(operationId) === '') {
    sourceName = operationIdFromRoute(method, path);
    ctx.warn(`operationId "${operationId}" has no usable characters; named after the route: "${sourceName}"`);
  }
  if (operation['servers'] !== undefined || item['servers'] !== undefined) {
    ctx.warn('servers on a path or operation are ignored; the plugin base URL is used');
  }

  const input = buildInputSchema(ctx.doc, ctx.request, { path, at, pathParameters: item['parameters'], operation }, ctx.warn);
  const inputProblem = ctx.compiler.problemWith(input.inputSchema);
  if (inputProblem !== undefined) throw new ImportProblem(`the input schema does not compile: ${inputProblem}`);
  const outputSchema = outputSchemaOf(ctx, operation, at);

  const riskTier = riskTierForOperation(method, { isConsequential: operation['x-openai-isConsequential'] === true });
  const annotations = { readOnlyHint: riskTier === 'read', destructiveHint: riskTier === 'destructive', openWorldHint: true };
  const summary = text(operation['summary']);
  const details = text(operation['description']);
  const description = [...new Set([summary, details].filter((s) => s !== ''))].join('\n\n') || `${method} ${path}`;

  const { name, collided } = ctx.names.claim(sourceName, `${method} ${path}`);
  if (collided) ctx.warn(`another operation already has the name for "${sourceName}"; this one is "${name}"`);
  else if (operationId !== '' && sourceName === operationId && !PORTABLE_OPERATION_ID.test(operationId)) {
    ctx.warn(`operationId "${operationId}" is not a portable tool name (letters, digits, _ and -, at most 64); the tool is "${name}"`);
  }
  // Copied so tools never share objects with each other or with the parsed document.
  const inputSchema = structuredClone(input.inputSchema);
  const definition = { name, description, inputSchema, ...(outputSchema ? { outputSchema } : {}), annotations };
  return {
    pluginName: ctx.pluginName,
    sourceName,
    ...(summary !== '' ? { title: summary } : {}),
    ...definition,
    riskTier,
    binding: {
      kind: 'http',
      method,
      path,
      parameters: input.parameters,
      ...(input.body ? { body: input.body } : {}),
    },
    definitionHash: toolDefinitionHash(definition),
  };
}

/** Output schemas are optional: a problem with one is a warning, never a lost tool. */
function outputSchemaOf(ctx: Context, operation: Record<string, unknown>, at: string): JsonSchema | undefined {
  let schema: JsonSchema | undefined;
  try {
    schema = buildOutputSchema(ctx.doc, ctx.response, operation, at);
  } catch (err) {
    ctx.warn(`no output schema: ${reasonOf(err)}`);
    return undefined;
  }
  if (schema === undefined) return undefined;
  const size = JSON.stringify(schema).length;
  if (size > MAX_OUTPUT_SCHEMA_CHARS) {
    ctx.warn(`no output schema: it is ${size} characters with its components (the limit is ${MAX_OUTPUT_SCHEMA_CHARS})`);
    return undefined;
  }
  const problem = ctx.compiler.problemWith(schema);
  if (problem !== undefined) {
    ctx.warn(`no output schema: it does not compile: ${problem}`);
    return undefined;
  }
  return structuredClone(schema);
}
