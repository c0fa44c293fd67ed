import type { JsonSchema } from '../../core/tool.js';
import { isRecord, listOf } from '../json-value.js';
import { appendPointer, refSegments } from '../openapi/json-pointer.js';
import { jsonShapeProblem } from './json-shape.js';
import { canonicalJson, mergeAllOf } from './merge-all-of.js';
import { MAX_SCHEMA_DEPTH } from './schema-nodes.js';
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
 * `allOf: [{$ref}, {description}]` (how OpenAPI 3.0 puts a description beside a `$ref`) means only that
 * `$ref`. Kept as a `$ref`, a schema that refers to itself this way recurses through `$defs`, which strict
 * mode allows, instead of being inlined into itself forever. Undefined when the `allOf` adds constraints.
 */
function annotatedRef(schema: JsonSchema): JsonSchema | undefined {
  let ref: string | undefined;
  let description: unknown;
  for (const part of [schema, ...(listOf(schema['allOf']) ?? [])]) {
    if (part === true) continue;
    if (!isRecord(part)) return undefined;
    for (const [key, value] of Object.entries(part)) {
      if (key === 'allOf' && part === schema) continue;
      if (key === '$ref') {
        if (ref !== undefined || typeof value !== 'string') return undefined;
        ref = value;
      } else if (!ANNOTATIONS.has(key)) {
        return undefined;
      } else if (key === 'description' && description === undefined) {
        description = value;
      }
    }
  }
  if (ref === undefined) return undefined;
  return typeof description === 'string' ? { description, $ref: ref } : { $ref: ref };
}

/** Where `convert` is: how deep in the schema being built, and which compositions it is inlining. */
interface ConvertPath {
  readonly depth: number;
  /** Canonical JSON of the `allOf` / `$ref`-with-siblings schemas inlined on the way here. */
  readonly inlining: ReadonlySet<string>;
}

const TOP: ConvertPath = { depth: 0, inlining: new Set() };
/** Schema levels below a root or a `$defs` entry; far beyond strict mode's own nesting limit. */
const MAX_CONVERT_DEPTH = MAX_SCHEMA_DEPTH;
/**
 * Subschemas built for one tool. Inlining copies a composition at every place it is used, which can grow
 * exponentially with shared compositions; past this the tool is reported instead of built.
 */
const MAX_CONVERTED_NODES = 50_000;

/** A `$defs` name made of characters that need no escaping in a `$ref`. */
function defName(base: string, taken: (name: string) => boolean): string {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, '_') || 'Merged';
  let name = clean;
  for (let n = 2; taken(name); n += 1) name = `${clean}_${n}`;
  return name;
}

/** The name of the first `$ref` a composition uses, to name its hoisted definition after. */
function firstRefName(schema: JsonSchema): string {
  for (const part of [schema, ...(listOf(schema['allOf']) ?? [])]) {
    const ref = isRecord(part) ? part['$ref'] : undefined;
    if (typeof ref === 'string') return `${refSegments(ref)?.at(-1) ?? 'Merged'}_merged`;
  }
  return 'Merged';
}

/**
 * Rewrites one of our input schemas (JSON Schema 2020-12) into what OpenAI's strict mode accepts: every
 * object closed and fully required, optional properties nullable, `allOf` inlined, `oneOf` as `anyOf`,
 * `const` as a one-value `enum`, unsupported keywords dropped. Dropping only loosens what the model is
 * held to: the gateway still validates every call against the original schema. What cannot be expressed
 * (free-form objects and values, tuples, non-local refs) is reported, so the tool is left out instead of
 * emitted broken. Limits are the checker's job (`checkStrictSchema`).
 *
 * Recursive schemas stay recursive: a `$ref` is kept as a `$ref` and each `$defs` entry is converted once.
 * Only inlining an `allOf` could loop (a composition whose members lead back to itself), so compositions
 * being inlined are tracked per path; one met again inside itself becomes a `$defs` entry of its own
 * (converted once, referring to itself by `$ref`).
 */
export function toStrictSchema(root: JsonSchema, rules: StrictModeRules): StrictSchemaResult {
  // Every walk below recurses over the schema, so a cyclic or absurdly deep input is refused up front.
  const shape = jsonShapeProblem(root);
  if (shape !== undefined) return { ok: false, problems: [`/: the schema ${shape}`] };
  const problems: string[] = [];
  const defs = isRecord(root['$defs']) ? root['$defs'] : {};
  /** `$defs` entries to emit, in the order they were first referred to. */
  const pendingDefs: { name: string; source: unknown; ptr: string }[] = [];
  const queuedDefs = new Set<string>();
  /** Compositions hoisted into `$defs`, by canonical JSON → their `$defs` name. */
  const hoisted = new Map<string, string>();
  let converted = 0;

  const queueDef = (name: string, source: unknown, ptr: string): void => {
    if (queuedDefs.has(name)) return;
    queuedDefs.add(name);
    pendingDefs.push({ name, source, ptr });
  };

  const resolve = (ref: string): JsonSchema | undefined => {
    const segments = refSegments(ref);
    if (segments === undefined) return undefined;
    if (segments.length === 0) return root;
    const def =
      segments.length === 2 && segments[0] === '$defs' && Object.hasOwn(defs, segments[1] ?? '') ? defs[segments[1] ?? ''] : undefined;
    return isRecord(def) ? def : undefined;
  };

  /** A `$ref` to the `$defs` entry standing for `composition`, created the first time it recurs. */
  const hoist = (key: string, composition: JsonSchema, ptr: string): JsonSchema => {
    let name = hoisted.get(key);
    if (name === undefined) {
      name = defName(firstRefName(composition), (n) => Object.hasOwn(defs, n) || queuedDefs.has(n));
      hoisted.set(key, name);
      queueDef(name, composition, ptr);
    }
    return { $ref: appendPointer('#', '$defs', name) };
  };

  const convert = (node: unknown, ptr: string, path: ConvertPath, isRoot = false): JsonSchema => {
    converted += 1;
    if (converted > MAX_CONVERTED_NODES) {
      problems.push(`/: more than ${MAX_CONVERTED_NODES} subschemas once allOf is inlined`);
      return {};
    }
    if (path.depth > MAX_CONVERT_DEPTH) {
      problems.push(`${ptr || '/'}: nested more than ${MAX_CONVERT_DEPTH} levels deep`);
      return {};
    }
    if (!isRecord(node)) {
      problems.push(
        `${ptr || '/'}: ${node === false ? 'a schema that accepts nothing' : 'a free-form value'} cannot be expressed in strict mode`,
      );
      return {};
    }
    let schema: JsonSchema = isRoot ? Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$defs')) : node;
    let inlining = path.inlining;
    const ref = schema['$ref'];
    const plainRef = schema['allOf'] === undefined ? undefined : annotatedRef(schema);
    if (plainRef !== undefined) {
      schema = plainRef;
    } else if (schema['allOf'] !== undefined || (typeof ref === 'string' && Object.keys(schema).some((k) => !ANNOTATIONS.has(k)))) {
      const key = canonicalJson(schema);
      if (inlining.has(key)) return hoist(key, schema, ptr);
      const merged = mergeAllOf(schema, resolve);
      if (typeof merged === 'string') {
        problems.push(`${ptr || '/'}: ${merged}`);
        return {};
      }
      schema = merged;
      inlining = new Set([...inlining, key]);
    }
    const inner: ConvertPath = { depth: path.depth + 1, inlining };
    const out: JsonSchema = {};
    if (typeof schema['description'] === 'string') out['description'] = schema['description'];
    if (typeof schema['$ref'] === 'string') {
      const target = schema['$ref'];
      const segments = refSegments(target);
      if (resolve(target) === undefined || (segments !== undefined && segments.length !== 0 && segments[0] !== '$defs')) {
        problems.push(`${ptr || '/'}: $ref "${target}" is not a local reference into $defs`);
      } else if (segments !== undefined && segments.length === 2) {
        const name = segments[1] ?? '';
        queueDef(name, defs[name], appendPointer('', '$defs', name));
      }
      out['$ref'] = target;
      return out;
    }
    const branches = schema['anyOf'] ?? schema['oneOf'];
    if (schema['anyOf'] !== undefined && schema['oneOf'] !== undefined) problems.push(`${ptr || '/'}: anyOf and oneOf together`);
    // oneOf as anyOf only loosens: the model may send a value matching two branches, which validation rejects.
    if (branches !== undefined) {
      if (isRoot) problems.push('/: the root must be an object, not a union');
      out['anyOf'] = (listOf(branches) ?? []).map((b, i) => convert(b, appendPointer(ptr, 'anyOf', i), inner));
    }
    if (schema['type'] !== undefined) out['type'] = schema['type'];
    if (schema['const'] !== undefined) out['enum'] = [schema['const']];
    else if (schema['enum'] !== undefined) out['enum'] = schema['enum'];

    const kinds = types(schema);
    if (kinds.includes('object') || schema['properties'] !== undefined) convertObject(schema, out, ptr, inner, isRoot);
    if (kinds.includes('array') || schema['items'] !== undefined) {
      if (isRecord(schema['items'])) out['items'] = convert(schema['items'], appendPointer(ptr, 'items'), inner);
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

  const convertObject = (schema: JsonSchema, out: JsonSchema, ptr: string, inner: ConvertPath, isRoot: boolean): void => {
    const properties = isRecord(schema['properties']) ? schema['properties'] : {};
    const names = Object.keys(properties);
    // An object with no declared properties is a map of anything, unless it is a tool without arguments.
    if (names.length === 0 && !isRoot && schema['additionalProperties'] !== false) {
      problems.push(`${ptr || '/'}: a free-form object cannot be expressed in strict mode`);
    }
    const required = new Set((listOf(schema['required']) ?? []).filter((r): r is string => typeof r === 'string'));
    const convertedProperties: JsonSchema = {};
    for (const name of names) {
      const property = convert(properties[name], appendPointer(ptr, 'properties', name), inner);
      Object.defineProperty(convertedProperties, name, {
        value: required.has(name) ? property : nullable(property),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (out['type'] === undefined) out['type'] = 'object';
    out['properties'] = convertedProperties;
    out['required'] = names;
    out['additionalProperties'] = false;
  };

  const body = convert(root, '', TOP, true);
  if (!types(body).includes('object')) problems.push('/: the root must be an object schema');
  const outDefs: JsonSchema = {};
  // Each entry is converted once, from the top of a fresh path, however often (or recursively) it is used;
  // converting one may queue more, so the list grows while it is walked.
  for (let i = 0; i < pendingDefs.length; i += 1) {
    const pending = pendingDefs[i];
    if (pending === undefined) continue;
    Object.defineProperty(outDefs, pending.name, {
      value: convert(pending.source, pending.ptr, TOP),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  return { ok: true, schema: Object.keys(outDefs).length === 0 ? body : { ...body, $defs: outDefs } };
}
