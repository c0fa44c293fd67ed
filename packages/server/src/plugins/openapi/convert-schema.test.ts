import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../core/tool.js';
import { ImportProblem } from '../spec-import.js';
import { SchemaConverter, type SchemaDirection, type SchemaNode } from './convert-schema.js';

function converter(components: Record<string, unknown> = {}, direction: SchemaDirection = 'request', extra: Record<string, unknown> = {}) {
  const warnings: string[] = [];
  const doc = { openapi: '3.0.3', components: { schemas: components }, ...extra };
  return { convert: new SchemaConverter(doc, direction, (m) => warnings.push(m)), warnings };
}

function convertOne(schema: unknown, components: Record<string, unknown> = {}, direction: SchemaDirection = 'request') {
  const { convert, warnings } = converter(components, direction);
  const refs = new Set<string>();
  const out = convert.convert(schema, '#/test', refs);
  return { out, refs, defs: convert.defsFor(refs), warnings };
}

function compiles(schema: SchemaNode): boolean {
  const ajv = new Ajv2020({ strict: false, logger: false });
  addFormats.default(ajv);
  ajv.compile(typeof schema === 'boolean' ? { allOf: [schema] } : schema);
  return true;
}

describe('SchemaConverter', () => {
  it('rewrites component refs to $defs and collects them transitively', () => {
    const { out, refs, defs } = convertOne(
      { type: 'array', items: { $ref: '#/components/schemas/A' } },
      { A: { type: 'object', properties: { b: { $ref: '#/components/schemas/B' } } }, B: { type: 'string' }, Unused: {} },
    );
    expect(out).toEqual({ type: 'array', items: { $ref: '#/$defs/A' } });
    expect([...refs]).toEqual(['A']);
    expect(defs).toEqual({ A: { type: 'object', properties: { b: { $ref: '#/$defs/B' } } }, B: { type: 'string' } });
  });

  it('encodes component names that need escaping in the $defs pointer', () => {
    const { out, defs } = convertOne({ $ref: '#/components/schemas/Big%20Deal' }, { 'Big Deal': { type: 'integer' } });
    expect(out).toEqual({ $ref: '#/$defs/Big%20Deal' });
    expect(defs).toEqual({ 'Big Deal': { type: 'integer' } });
    expect(compiles({ ...(out as JsonSchema), $defs: defs })).toBe(true);
  });

  it('inlines other local refs (deep component pointers, parameters) and keeps sibling keywords', () => {
    const { convert } = converter({ A: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } }, 'request', {
      components: {
        schemas: { A: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } },
        parameters: { P: { schema: { type: 'integer' } } },
      },
    });
    const refs = new Set<string>();
    expect(convert.convert({ $ref: '#/components/schemas/A/properties/id' }, '#/t', refs)).toEqual({ type: 'string', format: 'uuid' });
    expect(convert.convert({ $ref: '#/components/parameters/P/schema', description: 'count' }, '#/t', refs)).toEqual({
      description: 'count',
      allOf: [{ type: 'integer' }],
    });
    expect(refs.size).toBe(0);
  });

  it('refuses a cycle through inlined refs instead of recursing forever', () => {
    const { convert } = converter({}, 'request', {
      definitionsLoop: { a: { $ref: '#/definitionsLoop/b' }, b: { items: { $ref: '#/definitionsLoop/a' } } },
    });
    expect(() => convert.convert({ $ref: '#/definitionsLoop/a' }, '#/t', new Set())).toThrow(/circular \$ref/);
  });

  it('bounds nesting depth', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 100; i += 1) deep = { type: 'array', items: deep };
    expect(() => convertOne(deep)).toThrow(ImportProblem);
  });

  it('turns array items into prefixItems and additionalItems into items', () => {
    const { out } = convertOne({ type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false });
    expect(out).toEqual({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false });
  });

  it('converts exclusive bounds in both directions of the 3.0 form', () => {
    expect(convertOne({ type: 'number', minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false }).out).toEqual({
      type: 'number',
      exclusiveMinimum: 1,
      maximum: 9,
    });
    expect(convertOne({ type: 'number', exclusiveMaximum: 5 }).out).toEqual({ type: 'number', exclusiveMaximum: 5 });
  });

  it('maps binary and byte formats and the Swagger "file" type', () => {
    expect(convertOne({ type: 'string', format: 'binary' }).out).toEqual({
      type: 'string',
      format: 'binary',
      contentMediaType: 'application/octet-stream',
    });
    expect(convertOne({ type: 'string', format: 'byte' }).out).toEqual({ type: 'string', format: 'byte', contentEncoding: 'base64' });
    expect(convertOne({ type: 'file' }).out).toEqual({ type: 'string', contentMediaType: 'application/octet-stream' });
  });

  it('drops OpenAPI-only keywords, extensions, $id and junk values, with warnings where meaning is lost', () => {
    const { out, warnings } = convertOne({
      type: 'object',
      $id: 'https://example.com/thing',
      discriminator: { propertyName: 'kind' },
      xml: { name: 'thing' },
      externalDocs: { url: 'https://example.com' },
      'x-internal': true,
      example: { kind: 'a' },
      examples: { a: { value: 1 } },
      minProperties: -1,
      deprecated: 'yes',
      properties: { kind: { type: 'strin' } },
    });
    expect(out).toEqual({ type: 'object', example: { kind: 'a' }, properties: { kind: {} } });
    expect(warnings).toHaveLength(3);
    expect(compiles(out)).toBe(true);
  });

  it('converts draft-07 dependencies', () => {
    expect(convertOne({ dependencies: { a: ['b'], c: { required: ['d'] } } }).out).toEqual({
      dependentRequired: { a: ['b'] },
      dependentSchemas: { c: { required: ['d'] } },
    });
  });

  it('keeps boolean schemas (3.1)', () => {
    expect(convertOne({ type: 'object', properties: { any: true, none: false }, additionalProperties: false }).out).toEqual({
      type: 'object',
      properties: { any: true, none: false },
      additionalProperties: false,
    });
  });

  it('treats a property called __proto__ as a property, not a prototype', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}') as unknown;
    const { out } = convertOne(schema);
    const properties = (out as JsonSchema)['properties'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(Object.hasOwn(properties, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}');
  });

  it('does not require writeOnly properties in responses', () => {
    const schema = {
      type: 'object',
      required: ['password', 'name'],
      properties: { password: { type: 'string', writeOnly: true }, name: { type: 'string' } },
    };
    expect(convertOne(schema, {}, 'response').out).toMatchObject({ required: ['name'], properties: { password: { writeOnly: true } } });
  });

  it('reports a missing component once per use, naming it', () => {
    expect(() => convertOne({ $ref: '#/components/schemas/Nope' })).toThrow('$ref "#/components/schemas/Nope" points to nothing');
  });
});
