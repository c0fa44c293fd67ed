import type { HttpBodyBinding, JsonSchema } from '../../core/tool.js';
import { isRecord } from '../json-value.js';
import { ImportProblem } from '../spec-import.js';
import type { SchemaConverter, SchemaNode } from './convert-schema.js';
import { appendPointer, dereference } from './json-pointer.js';
import { isBinaryMediaType, requestMediaCandidates, type PickedMedia } from './media-types.js';
import { assertTextParts } from './multipart-parts.js';

export interface RequestBody {
  readonly schema: SchemaNode;
  readonly description: unknown;
  readonly binding: HttpBodyBinding;
}

interface BodyContext {
  readonly doc: Record<string, unknown>;
  readonly converter: SchemaConverter;
  readonly at: string;
}

/**
 * The operation's request body as one input property (`arg`) and how it is sent. Media types are tried best
 * first (JSON, form-urlencoded, multipart with text parts, text, XML); the first the connector can send wins,
 * so a file-upload multipart variant does not sink an operation that also takes JSON. Binary-only bodies and
 * multipart file uploads are refused for this operation.
 */
export function requestBody(
  doc: Record<string, unknown>,
  converter: SchemaConverter,
  operation: Record<string, unknown>,
  operationAt: string,
  arg: () => string,
  refs: Set<string>,
  warn: (message: string) => void,
): RequestBody | undefined {
  if (operation['requestBody'] === undefined) return undefined;
  const at = appendPointer(operationAt, 'requestBody');
  const body = dereference(doc, operation['requestBody'], `request body ${at}`);
  const content = body['content'];
  if (!isRecord(content) || Object.keys(content).length === 0) {
    warn('the request body has no content types; the operation is imported without a body');
    return undefined;
  }
  const ctx: BodyContext = { doc, converter, at };
  let firstProblem: ImportProblem | undefined;
  for (const picked of [...requestMediaCandidates(content), ...verbatimCandidates(ctx, content)]) {
    // Refs and warnings only count for the media type that is used.
    const tried = new Set<string>();
    const notes: string[] = [];
    try {
      const schema = bodySchema(ctx, picked, tried, (m) => notes.push(m));
      for (const ref of tried) refs.add(ref);
      for (const note of notes) warn(note);
      return {
        schema,
        description: body['description'],
        binding: { arg: arg(), contentType: picked.contentType, required: body['required'] === true },
      };
    } catch (err) {
      if (!(err instanceof ImportProblem)) throw err;
      firstProblem ??= err;
    }
  }
  if (firstProblem !== undefined) throw firstProblem;
  const types = Object.keys(content).join(', ');
  if (Object.keys(content).every(isBinaryMediaType)) {
    throw new ImportProblem(`the request body is binary (${types}); a model cannot supply file contents`);
  }
  throw new ImportProblem(`request body media type ${types} is not supported (JSON, form, multipart/form-data and text are)`);
}

/** Other media types whose schema is a plain string (`application/x-yaml`, `application/jwt`): sent verbatim. */
function verbatimCandidates(ctx: BodyContext, content: Record<string, unknown>): PickedMedia[] {
  const known = new Set(requestMediaCandidates(content).map((c) => c.key));
  return Object.entries(content).flatMap(([key, media]): PickedMedia[] => {
    if (known.has(key) || isBinaryMediaType(key) || !/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i.test(key.split(';')[0]?.trim() ?? '')) return [];
    let raw: Record<string, unknown> | undefined;
    try {
      raw = isRecord(media) && media['schema'] !== undefined ? dereference(ctx.doc, media['schema'], 'schema') : undefined;
    } catch {
      return [];
    }
    if (raw === undefined || raw['type'] !== 'string' || raw['format'] === 'binary') return [];
    return [
      { key, media, contentType: key, kind: 'text', isXml: false, note: `the request body is ${key}; the model's text is sent as it is` },
    ];
  });
}

function bodySchema(ctx: BodyContext, picked: PickedMedia, refs: Set<string>, warn: (message: string) => void): SchemaNode {
  const media = isRecord(picked.media) ? picked.media : {};
  if (picked.note !== undefined) warn(picked.note);
  let schema: SchemaNode;
  if (picked.isXml) {
    // The model writes the XML document itself; its structure is described but cannot be validated here.
    warn(`the request body is ${picked.key}: it is taken as XML text, and its schema is not enforced`);
    schema = { type: 'string', contentMediaType: picked.key.split(';')[0]?.trim() ?? picked.key };
  } else if (media['schema'] === undefined) {
    schema = picked.kind === 'text' ? { type: 'string' } : {};
  } else {
    schema = ctx.converter.convert(media['schema'], appendPointer(ctx.at, 'content', picked.key, 'schema'), refs);
  }
  if (picked.kind === 'multipart') assertTextParts(ctx.converter, schema, media);
  if (picked.kind === 'multipart' || picked.kind === 'form') assertObjectBody(ctx.converter, schema, picked.key);
  return schema;
}

/** Form and multipart bodies are sets of named fields; a schema that says otherwise cannot be sent. */
function assertObjectBody(converter: SchemaConverter, schema: SchemaNode, mediaType: string): void {
  let node: JsonSchema | boolean = schema;
  if (typeof node !== 'boolean' && typeof node['$ref'] === 'string') {
    const name = /^#\/\$defs\/([^/]+)$/.exec(node['$ref'])?.[1];
    if (name !== undefined) node = converter.component(decodeURIComponent(name).replace(/~1/g, '/').replace(/~0/g, '~')).schema;
  }
  const type = typeof node === 'boolean' ? undefined : node['type'];
  if (type !== undefined && type !== 'object' && !(Array.isArray(type) && type.includes('object'))) {
    throw new ImportProblem(`the ${mediaType} request body is "type: ${JSON.stringify(type)}", not an object of fields`);
  }
}
