import type { JsonSchema } from '../../core/tool.js';
import type { SchemaConverter, SchemaNode } from './convert-schema.js';
import { isRecord } from '../json-value.js';
import { appendPointer, dereference, refSegments } from './json-pointer.js';
import { pickJsonMediaType } from './media-types.js';

/** 2xx responses in the order that makes "the first" deterministic: 200..299, then `2XX`. */
function successCodes(responses: Record<string, unknown>): string[] {
  const exact = Object.keys(responses)
    .filter((code) => /^2\d\d$/.test(code))
    .sort();
  const range = Object.keys(responses).filter((code) => /^2xx$/i.test(code));
  return [...exact, ...range];
}

function isObjectSchema(schema: SchemaNode, defs: Record<string, SchemaNode>, depth = 0): boolean {
  if (typeof schema === 'boolean' || depth > 8) return false;
  if (schema['type'] !== undefined) return schema['type'] === 'object';
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = refSegments(ref)?.[1];
    const target = name === undefined ? undefined : defs[name];
    return target !== undefined && isObjectSchema(target, defs, depth + 1);
  }
  if (schema['properties'] !== undefined || schema['additionalProperties'] !== undefined) return true;
  const allOf = schema['allOf'];
  return Array.isArray(allOf) && allOf.length > 0 && allOf.every((part: SchemaNode) => isObjectSchema(part, defs, depth + 1));
}

/**
 * The tool's output schema: the first 2xx response's JSON schema, when it describes an object (MCP requires
 * an object root). A root that is just a component ref is unwrapped, so the root itself says `type: object`.
 */
export function buildOutputSchema(
  doc: Record<string, unknown>,
  converter: SchemaConverter,
  operation: Record<string, unknown>,
  at: string,
): JsonSchema | undefined {
  const responses = operation['responses'];
  if (!isRecord(responses)) return undefined;
  for (const code of successCodes(responses)) {
    const responseAt = appendPointer(at, 'responses', code);
    const response = dereference(doc, responses[code], `response ${responseAt}`);
    const content = response['content'];
    const picked = isRecord(content) ? pickJsonMediaType(content) : undefined;
    if (picked === undefined) continue;
    if (!isRecord(picked.media) || picked.media['schema'] === undefined) return undefined;

    const refs = new Set<string>();
    let root = converter.convert(picked.media['schema'], appendPointer(responseAt, 'content', picked.key, 'schema'), refs);
    const onlyRef = isRecord(root) && Object.keys(root).length === 1 && typeof root['$ref'] === 'string';
    const [name] = refs;
    if (onlyRef && name !== undefined) {
      const component = converter.component(name);
      root = component.schema;
      refs.clear();
      for (const next of component.refs) refs.add(next);
    }
    const defs = converter.defsFor(refs);
    if (!isObjectSchema(root, defs) || typeof root === 'boolean') return undefined;
    const schema: JsonSchema = { ...root, type: 'object' };
    if (Object.keys(defs).length > 0) schema['$defs'] = { ...(isRecord(root['$defs']) ? root['$defs'] : {}), ...defs };
    return schema;
  }
  return undefined;
}
