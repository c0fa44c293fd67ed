import type { JsonSchema } from '../../core/tool.js';
import { isRecord, listOf } from '../json-value.js';
import { ImportProblem } from '../spec-import.js';
import type { SchemaConverter, SchemaNode } from './convert-schema.js';
import { refSegments } from './json-pointer.js';
import { isBinaryMediaType } from './media-types.js';

/** Content types a part may declare and still be text the model writes. */
function isTextType(contentType: string): boolean {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') || /^application\/([a-z0-9.+-]+\+)?(json|xml)$/.test(type) || type === 'application/x-www-form-urlencoded'
  );
}

/** The schema a converted `$ref` points at (`#/$defs/Name` → the converted component), one level. */
function target(converter: SchemaConverter, schema: SchemaNode): SchemaNode {
  if (typeof schema === 'boolean' || typeof schema['$ref'] !== 'string') return schema;
  const name = refSegments(schema['$ref'])?.[1];
  return name === undefined ? schema : converter.component(name).schema;
}

/** Why a part schema is binary, or undefined when it is text, numbers, booleans, JSON, or arrays of those. */
function binaryReason(converter: SchemaConverter, schema: SchemaNode, depth: number): string | undefined {
  const node = target(converter, schema);
  if (typeof node === 'boolean' || depth > 8) return undefined;
  const media = node['contentMediaType'];
  if (typeof media === 'string' && !isTextType(media)) return `its content is ${media}`;
  if (node['format'] === 'binary') return 'it is "format: binary"';
  const parts: unknown[] = [
    node['items'],
    ...(listOf(node['anyOf']) ?? []),
    ...(listOf(node['oneOf']) ?? []),
    ...(listOf(node['allOf']) ?? []),
  ];
  for (const part of parts) {
    if (part === undefined || (typeof part !== 'boolean' && !isRecord(part))) continue;
    const reason = binaryReason(converter, part, depth + 1);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** Every named property of an object schema, through `$ref` and `allOf`/`anyOf`/`oneOf`. */
function partsOf(converter: SchemaConverter, schema: SchemaNode, out: Map<string, SchemaNode>, depth = 0): void {
  const node = target(converter, schema);
  if (typeof node === 'boolean' || depth > 8) return;
  if (isRecord(node['properties'])) {
    for (const [name, part] of Object.entries(node['properties'])) {
      if (typeof part === 'boolean' || isRecord(part)) out.set(name, part);
    }
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    for (const branch of listOf(node[key]) ?? []) {
      if (typeof branch === 'boolean' || isRecord(branch)) partsOf(converter, branch, out, depth + 1);
    }
  }
}

/**
 * Refuses a multipart/form-data body with a part a model cannot write (a file upload): the whole operation
 * is refused, since calling it without its file would not do what it says. Text, number, boolean and JSON
 * parts, and arrays of them, are what the connector sends.
 */
export function assertTextParts(converter: SchemaConverter, schema: JsonSchema | boolean, media: Record<string, unknown>): void {
  const whole = binaryReason(converter, schema, 0);
  if (whole !== undefined) {
    throw new ImportProblem(`the multipart/form-data body is binary (${whole}); a model cannot supply file contents`);
  }
  const parts = new Map<string, SchemaNode>();
  partsOf(converter, schema, parts);
  const encoding = isRecord(media['encoding']) ? media['encoding'] : {};
  for (const [name, part] of parts) {
    const declared = isRecord(encoding[name]) ? encoding[name]['contentType'] : undefined;
    const declaredTypes = typeof declared === 'string' ? declared.split(',').map((t) => t.trim()) : [];
    const binaryType = declaredTypes.find(isBinaryMediaType);
    const reason = binaryType !== undefined ? `its encoding is ${binaryType}` : binaryReason(converter, part, 0);
    if (reason !== undefined) {
      throw new ImportProblem(
        `multipart/form-data part "${name}" is binary (${reason}); a model cannot supply file contents, so the operation is not imported`,
      );
    }
  }
}
