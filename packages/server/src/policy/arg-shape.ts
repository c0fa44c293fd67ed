import type { Type, TypeOfAttribute } from '@cedar-policy/cedar-wasm/nodejs';

/**
 * The Cedar view of a JSON Schema value. One shape drives both the generated schema (what authors may
 * write) and the conversion of each call's arguments (what Cedar sees), so the two cannot disagree.
 * JSON `number` becomes Cedar `decimal` (4 fractional digits; compare with `.lessThan(decimal("100.0"))`),
 * since amounts are the common case and a Long would silently drop cents.
 */
export type ArgShape =
  | { readonly kind: 'String' | 'Long' | 'Boolean' | 'decimal' }
  | { readonly kind: 'Set'; readonly element: ArgShape }
  | { readonly kind: 'Record'; readonly attributes: ReadonlyMap<string, { readonly shape: ArgShape; readonly required: boolean }> };

/** An argument left out of the Cedar view, and why; shown with the schema so authors know. */
export interface OmittedArg {
  readonly path: string;
  readonly reason: string;
}

type JsonSchemaNode = Readonly<Record<string, unknown>>;

// A Map, not an object literal: a schema saying `"type": "constructor"` must not find Object.prototype.
const SCALARS: ReadonlyMap<string, ArgShape> = new Map<string, ArgShape>([
  ['string', { kind: 'String' }],
  ['integer', { kind: 'Long' }],
  ['boolean', { kind: 'Boolean' }],
  ['number', { kind: 'decimal' }],
]);

/** Names Cedar's JSON reads as escapes (`{"__entity": …}`); an argument so named could forge a value. */
export const CEDAR_ESCAPE_KEY = /^__(entity|extn|expr)$/;

/**
 * The record shape of an object schema: declared properties only, required ones required. Unsupported
 * shapes (unions, free-form objects, arrays of objects, `$ref`) are omitted and reported.
 */
export function recordShapeOf(
  schema: JsonSchemaNode,
  path: string,
  omitted: OmittedArg[],
  refs: RefScope = { root: schema, open: new Set() },
): ArgShape & { kind: 'Record' } {
  const attributes = new Map<string, { shape: ArgShape; required: boolean }>();
  const props = schema['properties'];
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((r) => typeof r === 'string') : []);
  if (isNode(props)) {
    for (const [name, sub] of Object.entries(props)) {
      const subPath = path === '' ? name : `${path}.${name}`;
      if (CEDAR_ESCAPE_KEY.test(name)) {
        omitted.push({ path: subPath, reason: 'name reserved by Cedar' });
        continue;
      }
      const resolved = isNode(sub) ? resolveRef(sub, refs) : undefined;
      if (resolved === undefined) continue;
      if (typeof resolved === 'string') {
        omitted.push({ path: subPath, reason: resolved });
        continue;
      }
      const typed = typeOf(resolved.node);
      const inner: RefScope = resolved.ref === undefined ? refs : { root: refs.root, open: new Set([...refs.open, resolved.ref]) };
      const shape = typed === undefined ? undefined : shapeOf(resolved.node, typed.type, subPath, omitted, inner);
      if (shape) attributes.set(name, { shape, required: required.has(name) && !typed?.nullable });
    }
  }
  return { kind: 'Record', attributes };
}

/** The document local `$ref`s point into, and the refs being expanded (a recursive schema is omitted). */
interface RefScope {
  readonly root: JsonSchemaNode;
  readonly open: ReadonlySet<string>;
}

/** Follows local `$ref`s (`#/$defs/X`, `#/definitions/X`); a string is why it could not. */
function resolveRef(node: JsonSchemaNode, refs: RefScope): { node: JsonSchemaNode; ref?: string } | string {
  let current = node;
  let ref: string | undefined;
  for (let hops = 0; typeof current['$ref'] === 'string'; hops += 1) {
    ref = current['$ref'];
    if (hops > 8 || refs.open.has(ref)) return 'recursive schema';
    if (!ref.startsWith('#/')) return `unsupported schema ($ref ${ref})`;
    let target: unknown = refs.root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
      target = isNode(target) && Object.hasOwn(target, key) ? target[key] : undefined;
    }
    if (!isNode(target)) return `unresolvable $ref ${ref}`;
    current = target;
  }
  return ref === undefined ? { node: current } : { node: current, ref };
}

function shapeOf(schema: JsonSchemaNode, type: string, path: string, omitted: OmittedArg[], refs: RefScope): ArgShape | undefined {
  const scalar = SCALARS.get(type);
  if (scalar) return scalar;
  if (type === 'array') {
    const items = isNode(schema['items']) ? resolveRef(schema['items'], refs) : undefined;
    const itemType = items !== undefined && typeof items !== 'string' ? typeOf(items.node) : undefined;
    const element = itemType && !itemType.nullable ? SCALARS.get(itemType.type) : undefined;
    if (!element) omitted.push({ path, reason: 'arrays are supported only of strings, integers, numbers or booleans' });
    return element ? { kind: 'Set', element } : undefined;
  }
  if (type === 'object') {
    if (!isNode(schema['properties'])) {
      omitted.push({ path, reason: 'objects without declared properties cannot be typed' });
      return undefined;
    }
    return recordShapeOf(schema, path, omitted, refs);
  }
  omitted.push({ path, reason: `unsupported schema (${type})` });
  return undefined;
}

/** The one JSON type of a node, allowing `["T", "null"]` (then the attribute is optional); else undefined. */
function typeOf(schema: JsonSchemaNode): { type: string; nullable: boolean } | undefined {
  const t = schema['type'];
  if (typeof t === 'string') return { type: t, nullable: false };
  if (Array.isArray(t)) {
    const nonNull = (t as unknown[]).filter((x) => x !== 'null');
    const only: unknown = nonNull[0];
    if (nonNull.length === 1 && typeof only === 'string') return { type: only, nullable: nonNull.length < t.length };
  }
  if (t === undefined && isNode(schema['properties'])) return { type: 'object', nullable: false };
  return { type: describeUntyped(schema), nullable: false };
}

function describeUntyped(schema: JsonSchemaNode): string {
  for (const k of ['$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const']) if (k in schema) return k;
  return 'no type';
}

/** The Cedar schema type of a shape. */
export function cedarTypeOf(shape: ArgShape): Type<string> {
  switch (shape.kind) {
    case 'String':
    case 'Long':
    case 'Boolean':
      return { type: shape.kind };
    case 'decimal':
      return { type: 'Extension', name: 'decimal' };
    case 'Set':
      return { type: 'Set', element: cedarTypeOf(shape.element) };
    case 'Record': {
      const attributes: Record<string, TypeOfAttribute<string>> = {};
      for (const [name, a] of shape.attributes) attributes[name] = { ...cedarTypeOf(a.shape), required: a.required };
      return { type: 'Record', attributes };
    }
  }
}

export function isNode(v: unknown): v is JsonSchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
