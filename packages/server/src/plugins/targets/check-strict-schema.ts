import { isRecord, listOf } from '../json-value.js';
import { refSegments } from '../openapi/json-pointer.js';
import { jsonShapeProblem } from './json-shape.js';
import { schemaNodes } from './schema-nodes.js';
import type { StrictModeRules } from './strict-mode-rules.js';

function at(pointer: string): string {
  return pointer === '' ? '/' : pointer;
}

function typesOf(schema: Record<string, unknown>): readonly unknown[] {
  const t = schema['type'];
  return listOf(t) ?? (t === undefined ? [] : [t]);
}

function refProblem(root: Record<string, unknown>, ref: unknown): string | undefined {
  if (typeof ref !== 'string') return '$ref must be a string';
  const segments = refSegments(ref);
  if (segments === undefined) return `$ref "${ref}" is not local`;
  if (segments.length === 0) return undefined;
  const defs = root['$defs'];
  const name = segments[1];
  if (segments.length !== 2 || segments[0] !== '$defs' || name === undefined || !isRecord(defs) || !Object.hasOwn(defs, name)) {
    return `$ref "${ref}" does not point into the root $defs`;
  }
  return undefined;
}

/**
 * OpenAI strict-mode rules, checked from the rules themselves and not from how `toStrictSchema` builds
 * schemas, so that a renderer bug shows up here: every node is visited through every applicator, including
 * the ones strict mode forbids.
 */
export function checkStrictSchema(root: unknown, rules: StrictModeRules): string[] {
  if (!isRecord(root)) return ['parameters must be a JSON object schema'];
  // Refused before the walk: a value JSON cannot hold, or one too deep for any model, has no strict form.
  const shape = jsonShapeProblem(root);
  if (shape !== undefined) return [`/: the schema ${shape}`];
  const problems: string[] = [];
  if (root['type'] !== 'object') problems.push('/: the root must have type "object"');
  if (root['anyOf'] !== undefined) problems.push('/: the root must not be anyOf');
  let properties = 0;
  let enumValues = 0;
  let deepest = 0;
  for (const { schema, pointer, objectDepth, unvisited } of schemaNodes(root)) {
    deepest = Math.max(deepest, objectDepth);
    if (unvisited !== undefined) problems.push(`${at(pointer)}: ${unvisited}`);
    if (!isRecord(schema)) {
      problems.push(`${at(pointer)}: boolean schemas are not supported`);
      continue;
    }
    for (const key of Object.keys(schema)) {
      if (!rules.keywords.has(key)) problems.push(`${at(pointer)}: keyword "${key}" is not supported`);
    }
    if (pointer !== '' && schema['$defs'] !== undefined) {
      problems.push(`${at(pointer)}: $defs only at the root`);
    }
    const types = typesOf(schema);
    const isObject = types.includes('object') || schema['properties'] !== undefined;
    if (isObject) {
      const declared = isRecord(schema['properties']) ? Object.keys(schema['properties']) : [];
      properties += declared.length;
      if (schema['additionalProperties'] !== false) problems.push(`${at(pointer)}: additionalProperties must be false`);
      const required = listOf(schema['required']) ?? [];
      const missing = declared.filter((name) => !required.includes(name));
      if (missing.length > 0) problems.push(`${at(pointer)}: every property must be required (missing: ${missing.join(', ')})`);
    }
    if (types.includes('array') && !isRecord(schema['items'])) problems.push(`${at(pointer)}: arrays need an "items" schema`);
    if (schema['$ref'] !== undefined) {
      const problem = refProblem(root, schema['$ref']);
      if (problem !== undefined) problems.push(`${at(pointer)}: ${problem}`);
    } else if (schema['type'] === undefined && schema['anyOf'] === undefined && schema['enum'] === undefined) {
      problems.push(`${at(pointer)}: every schema needs a type, anyOf, enum or $ref`);
    }
    const format = schema['format'];
    if (format !== undefined && (typeof format !== 'string' || !rules.formats.has(format))) {
      problems.push(`${at(pointer)}: format ${JSON.stringify(format)} is not supported`);
    }
    if (schema['enum'] !== undefined) {
      const values = listOf(schema['enum']);
      if (values === undefined || values.length === 0) problems.push(`${at(pointer)}: enum must be a non-empty array`);
      enumValues += values?.length ?? 0;
    }
  }
  if (properties > rules.maxProperties) problems.push(`${properties} properties; strict mode allows ${rules.maxProperties}`);
  if (deepest > rules.maxNestingDepth) problems.push(`${deepest} levels of object nesting; strict mode allows ${rules.maxNestingDepth}`);
  if (enumValues > rules.maxEnumValues) problems.push(`${enumValues} enum values; strict mode allows ${rules.maxEnumValues}`);
  return problems;
}
