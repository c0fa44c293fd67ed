import type { JsonSchema } from '../../core/tool.js';
import { isRecord, listOf } from '../json-value.js';

/** Looks up a local `$ref`; undefined when it points at nothing. */
export type RefResolver = (ref: string) => JsonSchema | undefined;

const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);
/** Annotations: the first member's wording wins, since the outer schema comes first. */
const FIRST_WINS = new Set(['description', 'title', 'examples', 'default', '$comment', 'deprecated']);

/** JSON text with keys sorted, so equal schemas compare (and key maps) equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function typeSet(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  const list = listOf(value);
  return list?.filter((t): t is string => typeof t === 'string');
}

/** Types both accept; `integer` is a kind of `number`. */
function commonTypes(a: unknown, b: unknown): string[] {
  const left = typeSet(a) ?? [];
  const right = typeSet(b) ?? [];
  const out = new Set<string>();
  for (const t of left) {
    if (right.includes(t)) out.add(t);
    else if (t === 'integer' && right.includes('number')) out.add('integer');
    else if (t === 'number' && right.includes('integer')) out.add('integer');
  }
  return [...out];
}

function mergeKey(out: JsonSchema, key: string, value: unknown): string | undefined {
  if (!Object.hasOwn(out, key)) {
    out[key] = value;
    return undefined;
  }
  const current = out[key];
  if (sameJson(current, value) || FIRST_WINS.has(key)) return undefined;
  if (key === 'properties' && isRecord(current) && isRecord(value)) {
    const merged: JsonSchema = { ...current };
    for (const [name, schema] of Object.entries(value)) {
      const mine = merged[name];
      // Left as an allOf for the caller to merge when it reaches the property.
      merged[name] = mine === undefined || sameJson(mine, schema) ? schema : { allOf: [mine, schema] };
    }
    out[key] = merged;
  } else if (key === 'required') {
    out[key] = [...new Set([...(listOf(current) ?? []), ...(listOf(value) ?? [])])];
  } else if (key === 'type') {
    const types = commonTypes(current, value);
    if (types.length === 0) return `allOf members have no type in common (${canonicalJson(current)} and ${canonicalJson(value)})`;
    out[key] = types.length === 1 ? types[0] : types;
  } else if (key === 'enum') {
    const right = listOf(value) ?? [];
    const both = (listOf(current) ?? []).filter((v) => right.some((w) => sameJson(v, w)));
    if (both.length === 0) return 'allOf members have no enum value in common';
    out[key] = both;
  } else if (key === 'additionalProperties') {
    // Either member closing the object closes the merge; strict mode closes every object anyway.
    out[key] = current === false || value === false ? false : current;
  } else if (LOWER_BOUNDS.has(key) && typeof current === 'number' && typeof value === 'number') {
    out[key] = Math.max(current, value);
  } else if (UPPER_BOUNDS.has(key) && typeof current === 'number' && typeof value === 'number') {
    out[key] = Math.min(current, value);
  } else {
    return `allOf members disagree on "${key}"`;
  }
  return undefined;
}

/**
 * How many `allOf`s and `$ref`s may be followed inside one another while merging. Each ref is followed once
 * per chain (a ref seen again is reported), so this only bounds absurd nesting, keeping the recursion
 * shallow whatever the input.
 */
const MAX_MERGE_DEPTH = 128;

/** Merges `member` (its own keywords first, then its `$ref` target, then its `allOf`) into `out`. */
function mergeMember(
  out: JsonSchema,
  member: unknown,
  resolve: RefResolver,
  seenRefs: ReadonlySet<string>,
  depth: number,
): string | undefined {
  if (member === true) return undefined;
  if (!isRecord(member)) return 'allOf holds a schema that accepts nothing';
  if (depth > MAX_MERGE_DEPTH) return `allOf and $ref nest more than ${MAX_MERGE_DEPTH} levels deep`;
  const { allOf, $ref: ref, ...own } = member;
  // Own keywords first, so the outer schema's annotations win, as with allOf's own keywords.
  for (const [key, value] of Object.entries(own)) {
    const problem = mergeKey(out, key, value);
    if (problem !== undefined) return problem;
  }
  if (ref !== undefined) {
    if (typeof ref !== 'string') return '$ref must be a string';
    // A ref reached again through its own target would be inlined forever.
    if (seenRefs.has(ref)) return `allOf includes "${ref}" within itself`;
    const target = resolve(ref);
    if (target === undefined) return `$ref "${ref}" points to nothing`;
    // The target is merged like any member, so a target that is itself a $ref (with siblings) or an allOf
    // is followed too, and its keywords are merged with the siblings' rather than overwritten by them.
    const problem = mergeMember(out, target, resolve, new Set([...seenRefs, ref]), depth + 1);
    if (problem !== undefined) return problem;
  }
  for (const sub of listOf(allOf) ?? []) {
    const problem = mergeMember(out, sub, resolve, seenRefs, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * One schema equivalent to `schema` with its `allOf` and `$ref`s inlined, for targets that do not take
 * `allOf`. Handles the composition OpenAPI documents use (a `$ref` to a base plus extra properties, or a
 * lone `$ref` with a description beside it); members that contradict each other are reported rather than
 * guessed at. The result has no `allOf` or `$ref` at its top level (properties may still hold them).
 */
export function mergeAllOf(schema: JsonSchema, resolve: RefResolver, seenRefs: ReadonlySet<string> = new Set()): JsonSchema | string {
  const out: JsonSchema = {};
  return mergeMember(out, schema, resolve, seenRefs, 0) ?? out;
}
