import type { JsonSchema } from '../../core/tool.js';
import { ImportProblem } from '../spec-import.js';
import { defineEntry, isRecord, listOf } from '../json-value.js';
import { appendPointer, encodePointerSegment, refSegments, resolveLocalRef } from './json-pointer.js';
import { convertPattern, convertScalar, convertType, exclusiveBounds, withNull } from './schema-keywords.js';

/** JSON Schema 2020-12 allows booleans wherever a schema goes. */
export type SchemaNode = JsonSchema | boolean;
/** readOnly properties are dropped from requests, writeOnly ones are not required in responses. */
export type SchemaDirection = 'request' | 'response';

/** Deeper than any real schema; stops hostile documents and YAML alias loops. */
const MAX_DEPTH = 64;
/** Schema nodes one conversion may produce; inlining non-component refs could otherwise explode. */
const MAX_NODES = 50_000;

const SINGLE = new Set([
  'not',
  'propertyNames',
  'contains',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
  'additionalProperties',
  'additionalItems',
  'items',
]);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/**
 * OpenAPI-only keywords, and identity keywords that would change how refs resolve once schemas from all
 * over the document sit side by side in one tool's `$defs` (anchor refs are not followed anyway).
 */
const DROPPED = new Set([
  'nullable',
  'discriminator',
  'xml',
  'externalDocs',
  '$id',
  '$schema',
  '$anchor',
  '$dynamicAnchor',
  '$recursiveAnchor',
]);
const UNSUPPORTED_REFS = new Set(['$dynamicRef', '$recursiveRef']);
interface Walk {
  readonly at: string;
  readonly depth: number;
  /** Non-component refs being inlined on the current path, to refuse cycles through them. */
  readonly inlining: readonly string[];
  readonly refs: Set<string>;
  readonly budget: { nodes: number };
}

interface ConvertedComponent {
  readonly schema: SchemaNode;
  readonly refs: ReadonlySet<string>;
}

/** `#/components/schemas/X` exactly: these become `#/$defs/X`; any other local ref is inlined. */
function componentName(ref: string): string | undefined {
  const segments = refSegments(ref);
  return segments?.length === 3 && segments[0] === 'components' && segments[1] === 'schemas' ? segments[2] : undefined;
}

/**
 * Converts OpenAPI 3.0/3.1 Schema Objects into JSON Schema 2020-12 that Ajv compiles: component refs are
 * rewritten to `$defs` (copied per tool, transitively, so recursive schemas work), 3.0 forms (`nullable`,
 * boolean exclusive bounds, array `items`) become their 2020-12 equivalents, and messy-but-common values
 * are repaired or dropped with a warning. Components are converted once per import and reused.
 */
export class SchemaConverter {
  private readonly components = new Map<string, ConvertedComponent | ImportProblem>();

  constructor(
    private readonly doc: Record<string, unknown>,
    private readonly direction: SchemaDirection,
    private readonly warn: (message: string) => void,
  ) {}

  /** Converts one schema; the names of component schemas it references are added to `refs`. */
  convert(schema: unknown, at: string, refs: Set<string>): SchemaNode {
    return this.node(schema, { at, depth: 0, inlining: [], refs, budget: { nodes: MAX_NODES } });
  }

  /** A component schema, converted, with the components it references directly. */
  component(name: string): ConvertedComponent {
    const cached = this.components.get(name);
    if (cached instanceof ImportProblem) throw cached;
    if (cached) return cached;
    const ref = `#/components/schemas/${encodePointerSegment(name)}`;
    try {
      const source = resolveLocalRef(this.doc, ref);
      const refs = new Set<string>();
      const schema = this.convert(source, appendPointer('#/components/schemas', name), refs);
      const converted = { schema, refs };
      this.components.set(name, converted);
      return converted;
    } catch (err) {
      const problem = err instanceof ImportProblem ? err : new ImportProblem(String(err));
      this.components.set(name, problem);
      throw problem;
    }
  }

  /** `$defs` holding every component reachable from `refs`. */
  defsFor(refs: Iterable<string>): Record<string, SchemaNode> {
    const defs: Record<string, SchemaNode> = {};
    const pending = [...refs];
    const done = new Set<string>();
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (done.has(name)) continue;
      done.add(name);
      const { schema, refs: next } = this.component(name);
      defineEntry(defs, name, schema);
      pending.push(...next);
    }
    // Sorted so the same tool always hashes the same, whatever order refs were met in.
    return Object.fromEntries(Object.entries(defs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private node(schema: unknown, walk: Walk): SchemaNode {
    if (typeof schema === 'boolean') return schema;
    if (!isRecord(schema)) throw new ImportProblem(`schema at ${walk.at} is not an object`);
    if (walk.depth > MAX_DEPTH) throw new ImportProblem(`schema at ${walk.at} is nested more than ${MAX_DEPTH} levels`);
    if ((walk.budget.nodes -= 1) < 0) throw new ImportProblem(`schema at ${walk.at} is too large once its $refs are inlined`);

    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      const name = componentName(ref);
      if (name === undefined) return this.inline(schema, ref, walk);
      // Fail here, naming the operation, rather than with a dangling $defs ref later.
      resolveLocalRef(this.doc, ref);
      walk.refs.add(name);
    }
    return this.object(schema, walk);
  }

  /** A local ref that is not a whole component schema: copied in place, with a guard against cycles. */
  private inline(schema: Record<string, unknown>, ref: string, walk: Walk): SchemaNode {
    if (!ref.startsWith('#')) throw new ImportProblem(`$ref "${ref}" at ${walk.at} points outside the document`);
    if (walk.inlining.includes(ref)) {
      throw new ImportProblem(`circular $ref "${ref}" at ${walk.at}; only refs to #/components/schemas may be recursive`);
    }
    const { $ref: _ref, ...siblings } = schema;
    if (Object.keys(siblings).length > 0) {
      // 2020-12 applies keywords beside $ref too; moving the ref into allOf keeps that meaning.
      const allOf = listOf(siblings['allOf']) ?? [];
      return this.object({ ...siblings, allOf: [...allOf, { $ref: ref }] }, walk);
    }
    const target = resolveLocalRef(this.doc, ref);
    return this.node(target, { ...walk, at: ref, depth: walk.depth + 1, inlining: [...walk.inlining, ref] });
  }

  private object(schema: Record<string, unknown>, walk: Walk): SchemaNode {
    const out: JsonSchema = {};
    const child = (value: unknown, ...path: (string | number)[]): SchemaNode =>
      this.node(value, { ...walk, at: appendPointer(walk.at, ...path), depth: walk.depth + 1 });
    const required = new Set<string>();
    const dropped = new Set<string>();
    const skipped = exclusiveBounds(schema, out);

    for (const [key, value] of Object.entries(schema)) {
      if (DROPPED.has(key) || skipped.has(key) || key.startsWith('x-')) continue;
      if (UNSUPPORTED_REFS.has(key)) {
        this.warn(`${walk.at}: "${key}" is not supported; dropped`);
        continue;
      }
      if (key === '$ref') {
        // Only whole-component refs reach here (node() inlines the rest); a non-string one is junk.
        const name = typeof value === 'string' ? componentName(value) : undefined;
        if (name !== undefined) out[key] = `#/$defs/${encodePointerSegment(name)}`;
      } else if (key === 'items' && Array.isArray(value)) {
        out['prefixItems'] = value.map((item, i) => child(item, key, i));
      } else if (SINGLE.has(key)) {
        out[key] = child(value, key);
      } else if (LIST.has(key)) {
        if (!Array.isArray(value)) throw new ImportProblem(`"${key}" at ${walk.at} is not a list of schemas`);
        out[key] = value.map((item, i) => child(item, key, i));
      } else if (MAP.has(key)) {
        if (!isRecord(value)) throw new ImportProblem(`"${key}" at ${walk.at} is not a map of schemas`);
        out[key === 'definitions' ? '$defs' : key] = this.properties(key, value, child, required, dropped, walk.at);
      } else if (key === 'dependencies' && isRecord(value)) {
        this.dependencies(value, out, child);
      } else if (key === 'required') {
        if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') required.add(item);
      } else if (key === 'type') {
        convertType(value, out, (m) => this.warn(`${walk.at}: ${m}`));
      } else if (key === 'pattern') {
        convertPattern(value, out, (m) => this.warn(`${walk.at}: ${m}`));
      } else if (key === 'examples' || key === 'enum') {
        if (Array.isArray(value)) out[key] = value;
        else this.warn(`${walk.at}: "${key}" is not a list; dropped`);
      } else {
        convertScalar(key, value, out, (m) => this.warn(`${walk.at}: ${m}`));
      }
    }

    if (out['additionalItems'] !== undefined) {
      // 2019-09 and earlier: `additionalItems` governs items after a tuple; 2020-12 calls that `items`.
      if (out['prefixItems'] !== undefined && out['items'] === undefined) out['items'] = out['additionalItems'];
      delete out['additionalItems'];
    }
    for (const name of dropped) required.delete(name);
    if (required.size > 0) out['required'] = [...required];
    if (out['format'] === 'binary' && out['contentMediaType'] === undefined) out['contentMediaType'] = 'application/octet-stream';
    if (out['format'] === 'byte' && out['contentEncoding'] === undefined) out['contentEncoding'] = 'base64';
    return schema['nullable'] === true ? withNull(out) : out;
  }

  /** Converts a map of schemas; for `properties` also applies per-property `required: true` and direction. */
  private properties(
    key: string,
    value: Record<string, unknown>,
    child: (value: unknown, ...path: (string | number)[]) => SchemaNode,
    required: Set<string>,
    dropped: Set<string>,
    at: string,
  ): Record<string, SchemaNode> {
    const out: Record<string, SchemaNode> = {};
    for (const [name, sub] of Object.entries(value)) {
      if (key === 'properties' && isRecord(sub)) {
        // Seen in published specs (OpenAI's own quickstart): `required: true` inside the property.
        if (sub['required'] === true) {
          required.add(name);
          this.warn(`${at}: property "${name}" says "required: true"; it was moved to the object's "required" list`);
        }
        if (this.direction === 'request' && sub['readOnly'] === true) {
          dropped.add(name);
          continue;
        }
        if (this.direction === 'response' && sub['writeOnly'] === true) dropped.add(name);
      }
      defineEntry(out, name, child(sub, key, name));
    }
    return out;
  }

  private dependencies(
    value: Record<string, unknown>,
    out: JsonSchema,
    child: (value: unknown, ...path: (string | number)[]) => SchemaNode,
  ): void {
    const dependentRequired: Record<string, unknown> = {};
    const dependentSchemas: Record<string, SchemaNode> = {};
    for (const [name, dep] of Object.entries(value)) {
      if (Array.isArray(dep))
        defineEntry(
          dependentRequired,
          name,
          dep.filter((d) => typeof d === 'string'),
        );
      else defineEntry(dependentSchemas, name, child(dep, 'dependencies', name));
    }
    if (Object.keys(dependentRequired).length > 0) out['dependentRequired'] = dependentRequired;
    if (Object.keys(dependentSchemas).length > 0) out['dependentSchemas'] = dependentSchemas;
  }
}
