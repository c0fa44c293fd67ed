import type { JsonSchema } from '../../core/tool.js';
import { isRecord, listOf } from '../json-value.js';
import { appendPointer, refSegments } from '../openapi/json-pointer.js';
import { mergeAllOf } from './merge-all-of.js';
import type { StrictModeRules } from './strict-mode-rules.js';

export type StrictSchemaResult = { readonly ok: true; readonly schema: JsonSchema } | { readonly ok: false; readonly problems: string[] };

/** Keywords that only annotate; a `$ref` beside them needs no merging. */
const ANNOTATIONS = new Set(['$ref', 'description', 'title', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const STRUCTURAL = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
  'enum',
  'const',
  '$ref',
  '$defs',
]);

function types(schema: JsonSchema): string[] {
  const t = schema['type'];
  return typeof t === 'string' ? [t] : (listOf(t)?.filter((x): x is string => typeof x === 'string') ?? []);
}

/** True when the schema itself (without following refs) lets `null` through. */
function admitsNull(schema: JsonSchema): boolean {
  if (types(schema).includes('null')) return true;
  if (listOf(schema['enum'])?.includes(null) === true) return true;
  return (listOf(schema['anyOf']) ?? []).some((b) => isRecord(b) && admitsNull(b));
}

/**
 * Strict mode has no optional properties: the model must send every one. An optional property becomes
 * "required but nullable", and `stripStrictNulls` removes the nulls before the call goes upstream.
 */
function nullable(schema: JsonSchema): JsonSchema {
  if (admitsNull(schema)) return schema;
  if (schema['$ref'] !== undefined) {
    const { description, ...rest } = schema;
    return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
  }
  if (schema['anyOf'] !== undefined) return { ...schema, anyOf: [...(listOf(schema['anyOf']) ?? []), { type: 'null' }] };
  const out: JsonSchema = { ...schema };
  if (out['type'] !== undefined) out['type'] = [...types(schema), 'null'];
  if (out['enum'] !== undefined) out['enum'] = [...(listOf(schema['enum']) ?? []), null];
  return out;
}

/**
 * Rewrites one of our input schemas (JSON Schema 2020-12) into what OpenAI's strict mode accepts: every
 * object closed and fully required, optional properties nullable, `allOf` inlined, `oneOf` as `anyOf`,
 * `const` as a one-value `enum`, unsupported keywords dropped. Dropping only loosens what the model is
 * held to: the gateway still validates every call against the original schema. What cannot be expressed
 * (free-form objects and values, tuples, non-local refs) is reported, so the tool is left out instead of
 * emitted broken. Limits are the checker's job (`checkStrictSchema`).
 */
export function toStrictSchema(root: JsonSchema, rules: StrictModeRules): StrictSchemaResult {
  const problems: string[] = [];
  const defs = isRecord(root['$defs']) ? root['$defs'] : {};
  const wantedDefs: string[] = [];

  const resolve = (ref: string): JsonSchema | undefined => {
    const segments = refSegments(ref);
    if (segments === undefined) return undefined;
    if (segments.length === 0) return root;
    const def =
      segments.length === 2 && segments[0] === '$defs' && Object.hasOwn(defs, segments[1] ?? '') ? defs[segments[1] ?? ''] : undefined;
    return isRecord(def) ? def : undefined;
  };

  const convert = (node: unknown, ptr: string, isRoot = false): JsonSchema => {
    if (!isRecord(node)) {
      problems.push(
        `${ptr || '/'}: ${node === false ? 'a schema that accepts nothing' : 'a free-form value'} cannot be expressed in strict mode`,
      );
      return {};
    }
    let schema: JsonSchema = isRoot ? Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$defs')) : node;
    const ref = schema['$ref'];
    if (schema['allOf'] !== undefined || (typeof ref === 'string' && Object.keys(schema).some((k) => !ANNOTATIONS.has(k)))) {
      const merged = mergeAllOf(schema, resolve);
      if (typeof merged === 'string') {
        problems.push(`${ptr || '/'}: ${merged}`);
        return {};
      }
      schema = merged;
    }
    const out: JsonSchema = {};
    if (typeof schema['description'] === 'string') out['description'] = schema['description'];
    if (typeof schema['$ref'] === 'string') {
      const target = schema['$ref'];
      const segments = refSegments(target);
      if (resolve(target) === undefined || (segments !== undefined && segments.length !== 0 && segments[0] !== '$defs')) {
        problems.push(`${ptr || '/'}: $ref "${target}" is not a local reference into $defs`);
      } else if (segments !== undefined && segments.length === 2) {
        wantedDefs.push(segments[1] ?? '');
      }
      out['$ref'] = target;
      return out;
    }
    const branches = schema['anyOf'] ?? schema['oneOf'];
    if (schema['anyOf'] !== undefined && schema['oneOf'] !== undefined) problems.push(`${ptr || '/'}: anyOf and oneOf together`);
    // oneOf as anyOf only loosens: the model may send a value matching two branches, which validation rejects.
    if (branches !== undefined) {
      if (isRoot) problems.push('/: the root must be an object, not a union');
      out['anyOf'] = (listOf(branches) ?? []).map((b, i) => convert(b, appendPointer(ptr, 'anyOf', i)));
    }
    if (schema['type'] !== undefined) out['type'] = schema['type'];
    if (schema['const'] !== undefined) out['enum'] = [schema['const']];
    else if (schema['enum'] !== undefined) out['enum'] = schema['enum'];

    const kinds = types(schema);
    if (kinds.includes('object') || schema['properties'] !== undefined) convertObject(schema, out, ptr, isRoot);
    if (kinds.includes('array') || schema['items'] !== undefined) {
      if (isRecord(schema['items'])) out['items'] = convert(schema['items'], appendPointer(ptr, 'items'));
      else
        problems.push(
          `${ptr || '/'}: arrays need one "items" schema in strict mode${schema['prefixItems'] === undefined ? '' : ' (tuples are not supported)'}`,
        );
    }
    for (const [key, value] of Object.entries(schema)) {
      if (STRUCTURAL.has(key) || key === 'description' || !rules.keywords.has(key)) continue;
      if (key === 'format' && (typeof value !== 'string' || !rules.formats.has(value))) continue;
      out[key] = value;
    }
    if (out['type'] === undefined && out['anyOf'] === undefined && out['enum'] === undefined) {
      problems.push(`${ptr || '/'}: a value without a type cannot be expressed in strict mode`);
    }
    return out;
  };

  const convertObject = (schema: JsonSchema, out: JsonSchema, ptr: string, isRoot: boolean): void => {
    const properties = isRecord(schema['properties']) ? schema['properties'] : {};
    const names = Object.keys(properties);
    // An object with no declared properties is a map of anything, unless it is a tool without arguments.
    if (names.length === 0 && !isRoot && schema['additionalProperties'] !== false) {
      problems.push(`${ptr || '/'}: a free-form object cannot be expressed in strict mode`);
    }
    const required = new Set((listOf(schema['required']) ?? []).filter((r): r is string => typeof r === 'string'));
    const converted: JsonSchema = {};
    for (const name of names) {
      const property = convert(properties[name], appendPointer(ptr, 'properties', name));
      Object.defineProperty(converted, name, {
        value: required.has(name) ? property : nullable(property),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (out['type'] === undefined) out['type'] = 'object';
    out['properties'] = converted;
    out['required'] = names;
    out['additionalProperties'] = false;
  };

  const body = convert(root, '', true);
  if (!types(body).includes('object')) problems.push('/: the root must be an object schema');
  const outDefs: JsonSchema = {};
  for (let i = 0; i < wantedDefs.length; i += 1) {
    const name = wantedDefs[i] ?? '';
    if (Object.hasOwn(outDefs, name)) continue;
    Object.defineProperty(outDefs, name, { value: {}, enumerable: true, writable: true, configurable: true });
    outDefs[name] = convert(defs[name], appendPointer('', '$defs', name));
  }
  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  return { ok: true, schema: Object.keys(outDefs).length === 0 ? body : { ...body, $defs: outDefs } };
}
