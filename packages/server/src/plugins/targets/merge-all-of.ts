import type { JsonSchema } from '../../core/tool.js';
import { isRecord, listOf } from '../json-value.js';

/** Looks up a local `$ref`; undefined when it points at nothing. */
export type RefResolver = (ref: string) => JsonSchema | undefined;

const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);
/** Annotations: the first member's wording wins, since the outer schema comes first. */
const FIRST_WINS = new Set(['description', 'title', 'examples', 'default', '$comment', 'deprecated']);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
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
    if (types.length === 0) return `allOf members have no type in common (${canonical(current)} and ${canonical(value)})`;
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
 * One schema equivalent to `schema` with its `allOf` inlined, for targets that do not take `allOf`. Handles
 * the composition OpenAPI documents use (a `$ref` to a base plus extra properties, or a lone `$ref` with a
 * description beside it); members that contradict each other are reported rather than guessed at.
 */
export function mergeAllOf(schema: JsonSchema, resolve: RefResolver, seenRefs: ReadonlySet<string> = new Set()): JsonSchema | string {
  const { allOf, ...own } = schema;
  const members = listOf(allOf) ?? [];
  const out: JsonSchema = {};
  for (const member of [own, ...members]) {
    if (member === true) continue;
    if (!isRecord(member)) return 'allOf holds a schema that accepts nothing';
    let flat: JsonSchema = member;
    const ref = flat['$ref'];
    if (typeof ref === 'string') {
      if (seenRefs.has(ref)) return `allOf includes "${ref}" within itself`;
      const target = resolve(ref);
      if (target === undefined) return `$ref "${ref}" points to nothing`;
      const { $ref: _ref, ...siblings } = flat;
      flat = { ...target, ...siblings };
      if (flat['allOf'] !== undefined) {
        const nested = mergeAllOf(flat, resolve, new Set([...seenRefs, ref]));
        if (typeof nested === 'string') return nested;
        flat = nested;
      }
    } else if (flat['allOf'] !== undefined) {
      const nested = mergeAllOf(flat, resolve, seenRefs);
      if (typeof nested === 'string') return nested;
      flat = nested;
    }
    for (const [key, value] of Object.entries(flat)) {
      const problem = mergeKey(out, key, value);
      if (problem !== undefined) return problem;
    }
  }
  return out;
}
