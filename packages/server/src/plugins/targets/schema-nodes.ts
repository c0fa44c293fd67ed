import { isRecord, listOf } from '../json-value.js';
import { appendPointer } from '../openapi/json-pointer.js';

const SINGLE = [
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAPS = ['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions'];

/**
 * Subschema levels a walk goes down before it stops. Far beyond any target's nesting limit, and shallow
 * enough that the recursive walks over schemas cannot exhaust the call stack.
 */
export const MAX_SCHEMA_DEPTH = 128;

export interface SchemaNode {
  readonly schema: unknown;
  /** JSON pointer from the root schema, `''` for the root. */
  readonly pointer: string;
  /** Object schemas from the root (or from the enclosing `$defs` entry) down to this node, this one included. */
  readonly objectDepth: number;
  /** Set when this node's subschemas were not visited, with the reason (too deep, or a cycle in memory). */
  readonly unvisited?: string;
}

function isObjectSchema(schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  const t = schema['type'];
  return t === 'object' || listOf(t)?.includes('object') === true || schema['properties'] !== undefined;
}

/**
 * Every subschema of a schema, through every 2020-12 applicator (not only the ones a target supports, so
 * checkers see what they must reject). Refs are not followed, so a recursive schema is walked once; a
 * `$defs` entry counts its depth from itself. A node deeper than `MAX_SCHEMA_DEPTH`, or an in-memory object
 * that contains itself, is listed with `unvisited` set instead of being descended into.
 */
export function schemaNodes(root: unknown): SchemaNode[] {
  const nodes: SchemaNode[] = [];
  const onPath = new Set<object>();
  const visit = (schema: unknown, pointer: string, parentDepth: number, level: number): void => {
    const objectDepth = parentDepth + (isObjectSchema(schema) ? 1 : 0);
    if (!isRecord(schema)) {
      nodes.push({ schema, pointer, objectDepth });
      return;
    }
    if (onPath.has(schema)) {
      nodes.push({ schema, pointer, objectDepth, unvisited: 'the schema object contains itself' });
      return;
    }
    if (level >= MAX_SCHEMA_DEPTH) {
      nodes.push({ schema, pointer, objectDepth, unvisited: `nested more than ${MAX_SCHEMA_DEPTH} levels deep` });
      return;
    }
    nodes.push({ schema, pointer, objectDepth });
    onPath.add(schema);
    const child = (sub: unknown, subPointer: string, depth: number): void => visit(sub, subPointer, depth, level + 1);
    for (const key of SINGLE) {
      if (schema[key] !== undefined && typeof schema[key] !== 'boolean') child(schema[key], appendPointer(pointer, key), objectDepth);
    }
    for (const key of LISTS) {
      (listOf(schema[key]) ?? []).forEach((sub, i) => child(sub, appendPointer(pointer, key, i), objectDepth));
    }
    for (const key of MAPS) {
      const map = schema[key];
      if (!isRecord(map)) continue;
      const from = key === '$defs' || key === 'definitions' ? 0 : objectDepth;
      for (const [name, sub] of Object.entries(map)) child(sub, appendPointer(pointer, key, name), from);
    }
    onPath.delete(schema);
  };
  visit(root, '', 0, 0);
  return nodes;
}
