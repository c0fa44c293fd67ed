import type { HttpBodyBinding, HttpParameterBinding, JsonSchema, ParameterLocation } from '../../core/tool.js';
import { ImportProblem } from '../spec-import.js';
import type { SchemaConverter, SchemaNode } from './convert-schema.js';
import { defineEntry, isRecord } from '../json-value.js';
import { appendPointer, dereference } from './json-pointer.js';
import { requestBody } from './request-body.js';

export interface OperationInput {
  /** `{ type: 'object', properties, required, additionalProperties: false, $defs? }` */
  readonly inputSchema: JsonSchema;
  readonly parameters: HttpParameterBinding[];
  readonly body: HttpBodyBinding | undefined;
}

export interface OperationSource {
  readonly path: string;
  /** JSON pointer of the operation, for messages. */
  readonly at: string;
  readonly pathParameters: unknown;
  readonly operation: Record<string, unknown>;
}

interface Parameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly raw: Record<string, unknown>;
  readonly at: string;
}

const LOCATIONS: readonly ParameterLocation[] = ['path', 'query', 'header', 'cookie'];
/** The spec says these header parameters SHALL be ignored: the gateway sets them itself. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const STYLES: Record<ParameterLocation, readonly string[]> = {
  path: ['simple', 'label', 'matrix'],
  query: ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'],
  header: ['simple'],
  cookie: ['form'],
};

function isLocation(value: unknown): value is ParameterLocation {
  return typeof value === 'string' && (LOCATIONS as readonly string[]).includes(value);
}

/** Path-level parameters, then operation-level ones replacing those with the same name and location. */
function mergedParameters(doc: Record<string, unknown>, source: OperationSource, warn: (m: string) => void): Parameter[] {
  const merged = new Map<string, Parameter>();
  const lists: [unknown, string][] = [
    [source.pathParameters, appendPointer('#/paths', source.path, 'parameters')],
    [source.operation['parameters'], appendPointer(source.at, 'parameters')],
  ];
  for (const [list, at] of lists) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ImportProblem(`"parameters" at ${at} is not a list`);
    list.forEach((item, i) => {
      const raw = dereference(doc, item, `parameter ${appendPointer(at, i)}`);
      const name = raw['name'];
      if (typeof name !== 'string' || name.trim() === '') {
        // Seen in published specs; a parameter without a name has no way onto the wire.
        warn(`parameter ${appendPointer(at, i)} has no name, so it cannot be sent; ignored`);
        return;
      }
      if (!isLocation(raw['in'])) {
        throw new ImportProblem(`parameter "${name}" is "in: ${String(raw['in'])}", which is not supported`);
      }
      // Header names are case-insensitive, so `X-Id` overrides `x-id`.
      const key = `${raw['in']}:${raw['in'] === 'header' ? name.toLowerCase() : name}`;
      merged.set(key, { name, in: raw['in'], raw, at: appendPointer(at, i) });
    });
  }
  return [...merged.values()];
}

/** Placeholders in the path template without a parameter get a required string one, so calls can fill them. */
function withPathPlaceholders(params: Parameter[], source: OperationSource, warn: (m: string) => void): Parameter[] {
  const placeholders = [...source.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const kept = params.filter((p) => {
    if (p.in !== 'path' || placeholders.includes(p.name)) return true;
    warn(`path parameter "${p.name}" does not appear in the path; ignored`);
    return false;
  });
  for (const name of placeholders) {
    if (kept.some((p) => p.in === 'path' && p.name === name)) continue;
    warn(`path placeholder "{${name}}" has no parameter; added as a required string`);
    kept.push({ name, in: 'path', raw: { name, in: 'path', required: true, schema: { type: 'string' } }, at: source.at });
  }
  return kept;
}

function uniqueArg(wanted: readonly string[], used: Set<string>): string {
  let arg = wanted.find((name) => !used.has(name));
  for (let n = 2; arg === undefined; n += 1) {
    const candidate = `${wanted[wanted.length - 1] ?? 'arg'}_${n}`;
    if (!used.has(candidate)) arg = candidate;
  }
  used.add(arg);
  return arg;
}

/** Adds `description` (and `deprecated`) to a property schema, which may be boolean in 3.1. */
function describe(schema: SchemaNode, description: unknown, deprecated: unknown): JsonSchema {
  const out: JsonSchema = schema === true ? {} : schema === false ? { not: {} } : { ...schema };
  if (typeof description === 'string' && description.trim() !== '') out['description'] = description.trim();
  if (deprecated === true) out['deprecated'] = true;
  return out;
}

/**
 * Merges an operation's path, query, header and cookie parameters and its request body into one input
 * object, and records how each property goes back onto the wire.
 */
export function buildInputSchema(
  doc: Record<string, unknown>,
  converter: SchemaConverter,
  source: OperationSource,
  warn: (message: string) => void,
): OperationInput {
  const refs = new Set<string>();
  const properties: Record<string, SchemaNode> = {};
  const required: string[] = [];
  const parameters: HttpParameterBinding[] = [];
  const used = new Set<string>();

  const params = withPathPlaceholders(mergedParameters(doc, source, warn), source, warn)
    .filter((p) => !(p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase())))
    .sort((a, b) => LOCATIONS.indexOf(a.in) - LOCATIONS.indexOf(b.in));

  for (const param of params) {
    const { raw } = param;
    let schemaSource: unknown = raw['schema'];
    let schemaAt = appendPointer(param.at, 'schema');
    if (schemaSource === undefined && isRecord(raw['content'])) {
      const [mediaType, media] = Object.entries(raw['content'])[0] ?? [];
      warn(`parameter "${param.name}" is described as ${mediaType ?? 'content'}; it is sent with the default style`);
      schemaSource = isRecord(media) ? media['schema'] : undefined;
      schemaAt = appendPointer(param.at, 'content', mediaType ?? '', 'schema');
    }
    const schema = schemaSource === undefined ? { type: 'string' } : converter.convert(schemaSource, schemaAt, refs);
    const arg = uniqueArg([param.name, `${param.in}_${param.name}`], used);
    const isRequired = param.in === 'path' || raw['required'] === true;
    defineEntry(properties, arg, describe(schema, raw['description'], raw['deprecated']));
    if (isRequired) required.push(arg);

    let style = typeof raw['style'] === 'string' ? raw['style'] : undefined;
    if (style !== undefined && !STYLES[param.in].includes(style)) {
      warn(`parameter "${param.name}" has style "${style}", which is not allowed in ${param.in}; using the default`);
      style = undefined;
    }
    style ??= STYLES[param.in][0] ?? 'simple';
    const explode = typeof raw['explode'] === 'boolean' ? raw['explode'] : style === 'form';
    parameters.push({ arg, name: param.name, in: param.in, style, explode, required: isRequired });
  }

  const bodyArg = (): string => uniqueArg(['body', 'requestBody'], used);
  const body = requestBody(doc, converter, source.operation, source.at, bodyArg, refs, warn);
  if (body) {
    defineEntry(properties, body.binding.arg, describe(body.schema, body.description, undefined));
    if (body.binding.required) required.push(body.binding.arg);
  }

  const inputSchema: JsonSchema = { type: 'object', properties, required, additionalProperties: false };
  if (refs.size > 0) inputSchema['$defs'] = converter.defsFor(refs);
  return { inputSchema, parameters, body: body?.binding };
}
