import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../core/tool.js';
import { checkStrictSchema } from './check-strict-schema.js';
import { charge, createOrder, ping, searchFiles, sendEvent, updateContact } from './fixtures/sample-tools.js';
import { DEFAULT_STRICT_MODE_RULES } from './strict-mode-rules.js';
import { toStrictSchema } from './strict-schema.js';

function strict(schema: JsonSchema): JsonSchema {
  const result = toStrictSchema(schema, DEFAULT_STRICT_MODE_RULES);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.schema;
}

function validator(schema: JsonSchema): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, logger: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (value) => validate(value);
}

describe('toStrictSchema', () => {
  it('requires every property and makes the optional ones nullable', () => {
    const out = strict(createOrder.inputSchema);
    expect(out['required']).toEqual(['customer_id', 'items', 'shipping', 'priority', 'gift_message', 'deliver_after', 'contact_uri']);
    expect(out['additionalProperties']).toBe(false);
    expect(out).toMatchObject({
      properties: {
        customer_id: { type: 'string' },
        priority: { enum: ['low', 'normal', 'high', null] },
        gift_message: { type: ['string', 'null'] },
        deliver_after: { type: ['string', 'null'], format: 'date-time' },
        shipping: {
          type: ['object', 'null'],
          required: ['line1', 'country'],
          additionalProperties: false,
          properties: { country: { type: ['string', 'null'], enum: ['DE', 'FR', 'US', null] } },
        },
        items: { minItems: 1, items: { required: ['sku', 'quantity', 'note'], properties: { note: { type: ['string', 'null'] } } } },
      },
    });
  });

  it('drops keywords and formats strict mode does not take, keeps the supported constraints', () => {
    const out = strict(createOrder.inputSchema);
    const text = JSON.stringify(out);
    expect(text).not.toContain('minLength');
    expect(text).not.toContain('maxLength');
    expect(text).not.toContain('"default"');
    expect(text).not.toContain('"uri"');
    expect(text).toContain('"pattern":"^[A-Z0-9-]+$"');
    expect(text).toContain('"minimum":1');
  });

  it('keeps recursion through $defs and leaves out unused definitions', () => {
    const out = strict(searchFiles.inputSchema);
    expect(Object.keys(out['$defs'] as object)).toEqual(['Filter']);
    expect(out).toMatchObject({
      properties: { filter: { $ref: '#/$defs/Filter' }, limit: { type: ['integer', 'null'] } },
      $defs: {
        Filter: {
          required: ['field', 'equals', 'all'],
          properties: { all: { type: ['array', 'null'], items: { $ref: '#/$defs/Filter' } } },
        },
      },
    });
  });

  it('inlines allOf composition and turns const into a one-value enum', () => {
    const out = strict(updateContact.inputSchema);
    expect(JSON.stringify(out)).not.toContain('allOf');
    expect(out['$defs']).toBeUndefined();
    expect(out).toMatchObject({
      properties: {
        contact: {
          description: 'The new contact details.',
          type: 'object',
          required: ['email', 'phone', 'id'],
          properties: { email: { format: 'email', type: 'string' }, phone: { type: ['string', 'null'] }, id: { type: 'string' } },
        },
        mode: { enum: ['merge', null] },
      },
    });
  });

  it('turns oneOf into anyOf', () => {
    const out = strict(charge.inputSchema);
    const method = (out['properties'] as Record<string, JsonSchema>)['method'];
    expect(method?.['oneOf']).toBeUndefined();
    expect(method?.['anyOf']).toHaveLength(2);
    expect(method).toMatchObject({ anyOf: [{ properties: { kind: { enum: ['card'] } } }, { required: ['kind', 'iban', 'bic'] }] });
  });

  it('makes a $ref property nullable by wrapping it', () => {
    const out = strict({ type: 'object', properties: { f: { $ref: '#/$defs/F', description: 'x' } }, $defs: { F: { type: 'string' } } });
    expect(out).toMatchObject({ properties: { f: { description: 'x', anyOf: [{ $ref: '#/$defs/F' }, { type: 'null' }] } } });
  });

  it('turns a tool without arguments into an empty closed object', () => {
    expect(strict(ping.inputSchema)).toEqual({ type: 'object', properties: {}, required: [], additionalProperties: false });
  });

  it.each([
    ['a free-form object', sendEvent.inputSchema, '/properties/payload: a free-form object'],
    ['an untyped value', { type: 'object', properties: { x: {} } }, '/properties/x: a value without a type'],
    ['a tuple', { type: 'object', properties: { p: { type: 'array', prefixItems: [{ type: 'number' }] } } }, 'tuples'],
    ['a union at the root', { anyOf: [{ type: 'object' }, { type: 'object' }] }, 'root must be an object'],
    ['a remote $ref', { type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } }, 'not a local reference'],
    [
      'contradicting allOf',
      { type: 'object', properties: { a: { allOf: [{ type: 'string' }, { type: 'integer' }] } } },
      'no type in common',
    ],
    ['a non-object root', { type: 'string' }, 'root must be an object'],
  ])('reports %s instead of emitting it', (_what, schema, expected) => {
    const result = toStrictSchema(schema, DEFAULT_STRICT_MODE_RULES);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toContain(expected);
  });

  it.each([createOrder, searchFiles, updateContact, charge, ping])(
    'output for $name passes the strict checker and compiles with Ajv',
    (tool) => {
      const out = strict(tool.inputSchema);
      expect(checkStrictSchema(out, DEFAULT_STRICT_MODE_RULES)).toEqual([]);
      expect(() => validator(out)).not.toThrow();
    },
  );

  it('accepts the arguments a strict model sends, nulls included', () => {
    const valid = validator(strict(createOrder.inputSchema));
    const args = {
      customer_id: 'c1',
      items: [{ sku: 'A-1', quantity: 2, note: null }],
      shipping: null,
      priority: null,
      gift_message: null,
      deliver_after: '2026-01-01T10:00:00Z',
      contact_uri: null,
    };
    expect(valid(args)).toBe(true);
    expect(valid({ ...args, shipping: undefined })).toBe(false);
    expect(valid({ ...args, extra: 1 })).toBe(false);
    expect(valid({ ...args, items: [{ sku: 'A-1', quantity: 0, note: null }] })).toBe(false);
  });
});
