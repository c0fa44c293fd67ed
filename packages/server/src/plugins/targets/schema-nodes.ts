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

export interface SchemaNode {
  readonly schema: unknown;
  /** JSON pointer from the root schema, `''` for the root. */
  readonly pointer: string;
  /** Object schemas from the root (or from the enclosing `$defs` entry) down to this node, this one included. */
  readonly objectDepth: number;
}

function isObjectSchema(schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  const t = schema['type'];
  return t === 'object' || listOf(t)?.includes('object') === true || schema['properties'] !== undefined;
}

/**
 * Every subschema of a schema, through every 2020-12 applicator (not only the ones a target supports, so
 * checkers see what they must reject). Refs are not followed; a `$defs` entry counts its depth from itself.
 */
export function schemaNodes(root: unknown): SchemaNode[] {
  const nodes: SchemaNode[] = [];
  const visit = (schema: unknown, pointer: string, parentDepth: number): void => {
    const objectDepth = parentDepth + (isObjectSchema(schema) ? 1 : 0);
    nodes.push({ schema, pointer, objectDepth });
    if (!isRecord(schema)) return;
    for (const key of SINGLE) {
      if (schema[key] !== undefined && typeof schema[key] !== 'boolean') visit(schema[key], appendPointer(pointer, key), objectDepth);
    }
    for (const key of LISTS) {
      (listOf(schema[key]) ?? []).forEach((sub, i) => visit(sub, appendPointer(pointer, key, i), objectDepth));
    }
    for (const key of MAPS) {
      const map = schema[key];
      if (!isRecord(map)) continue;
      const from = key === '$defs' || key === 'definitions' ? 0 : objectDepth;
      for (const [name, sub] of Object.entries(map)) visit(sub, appendPointer(pointer, key, name), from);
    }
  };
  visit(root, '', 0);
  return nodes;
}
