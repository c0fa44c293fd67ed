import type { JsonSchema } from '../../core/tool.js';
import { defineEntry, listOf } from '../json-value.js';

// Single keywords converted to the JSON Schema 2020-12 form Ajv accepts; the walk over subschemas is in
// convert-schema.ts. Each writes into `out` and reports lost meaning through `warn`.

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);
const NUMBERS = new Set(['minimum', 'maximum', 'multipleOf', 'exclusiveMinimum', 'exclusiveMaximum']);
const COUNTS = new Set(['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains']);
const BOOLEANS = new Set(['uniqueItems', 'readOnly', 'writeOnly', 'deprecated']);
const STRINGS = new Set(['title', 'description', 'format', 'contentMediaType', 'contentEncoding', '$comment']);

/**
 * 3.0 (draft 4) `exclusiveMinimum: true` qualifies `minimum`; 2020-12 carries the bound itself. Writes the
 * 2020-12 form into `out` and returns the keys the caller must then skip.
 */
export function exclusiveBounds(schema: Record<string, unknown>, out: JsonSchema): Set<string> {
  const skipped = new Set<string>();
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[flag] !== 'boolean') continue;
    skipped.add(flag);
    if (schema[flag] === true && typeof schema[bound] === 'number') {
      out[flag] = schema[bound];
      skipped.add(bound);
    }
  }
  return skipped;
}

/** `type`, keeping only JSON Schema types; the Swagger `file` type becomes a binary string. */
export function convertType(value: unknown, out: JsonSchema, warn: (message: string) => void): void {
  const list = Array.isArray(value) ? value : [value];
  if (list.includes('file')) {
    // Swagger 2.0 leftover seen in 3.x documents.
    out['type'] = 'string';
    out['contentMediaType'] = 'application/octet-stream';
    return;
  }
  const known = list.filter((t): t is string => typeof t === 'string' && TYPES.has(t));
  if (known.length !== list.length) warn(`unknown type ${JSON.stringify(value)} dropped`);
  if (known.length === 0) return;
  out['type'] = Array.isArray(value) ? [...new Set(known)] : known[0];
}

/** `pattern`, only if Ajv can compile it. */
export function convertPattern(value: unknown, out: JsonSchema, warn: (message: string) => void): void {
  if (typeof value !== 'string') return;
  try {
    // Ajv compiles patterns with the `u` flag; a pattern it cannot compile would sink the whole tool.
    new RegExp(value, 'u');
    out['pattern'] = value;
  } catch {
    warn(`pattern ${JSON.stringify(value)} is not a valid ECMAScript (unicode) regex; dropped`);
  }
}

/** Keywords with a plain value: numbers as strings are repaired, values of the wrong kind dropped. */
export function convertScalar(key: string, value: unknown, out: JsonSchema, warn: (message: string) => void): void {
  if (NUMBERS.has(key) || COUNTS.has(key)) {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    const valid =
      typeof number === 'number' &&
      Number.isFinite(number) &&
      (!COUNTS.has(key) || (Number.isInteger(number) && number >= 0)) &&
      (key !== 'multipleOf' || number > 0);
    if (valid) out[key] = number;
    else warn(`"${key}" ${JSON.stringify(value)} is not a valid value; dropped`);
  } else if (BOOLEANS.has(key)) {
    if (typeof value === 'boolean') out[key] = value;
  } else if (STRINGS.has(key)) {
    if (typeof value === 'string') out[key] = value;
  } else {
    defineEntry(out, key, value);
  }
}

/** 3.0 `nullable: true`: null joins the types (and the enum), or the schema becomes "this or null". */
export function withNull(out: JsonSchema): JsonSchema {
  const type = out['type'];
  const enumValues = listOf(out['enum']);
  if (enumValues && !enumValues.includes(null)) out['enum'] = [...enumValues, null];
  const types = listOf(type);
  if (typeof type === 'string') out['type'] = type === 'null' ? type : [type, 'null'];
  else if (types) out['type'] = types.includes('null') ? types : [...types, 'null'];
  else return { anyOf: [out, { type: 'null' }] };
  return out;
}
