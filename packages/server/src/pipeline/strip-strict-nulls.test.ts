import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../core/tool.js';
import { stripStrictNulls } from './strip-strict-nulls.js';

const order: JsonSchema = {
  type: 'object',
  properties: {
    customer_id: { type: 'string' },
    note: { type: 'string' },
    gift_message: { type: ['string', 'null'] },
    coupon: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    priority: { enum: ['low', 'high'] },
    reason: { enum: ['late', null] },
    shipping: { $ref: '#/$defs/Address' },
    billing: { $ref: '#/$defs/MaybeAddress' },
    items: { type: 'array', items: { $ref: '#/$defs/Item' } },
    anything: {},
  },
  required: ['customer_id', 'items'],
  additionalProperties: false,
  $defs: {
    Address: { type: 'object', properties: { line1: { type: 'string' }, line2: { type: 'string' } }, required: ['line1'] },
    MaybeAddress: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }] },
    Item: { type: 'object', properties: { sku: { type: 'string' }, note: { type: 'string' } }, required: ['sku'] },
  },
};

describe('stripStrictNulls', () => {
  it('removes nulls of optional properties whose schema rejects null', () => {
    const args = { customer_id: 'c1', note: null, priority: null, shipping: null, items: [] };
    expect(stripStrictNulls(order, args)).toEqual({ customer_id: 'c1', items: [] });
  });

  it('keeps nulls the original schema accepts', () => {
    const args = { customer_id: 'c1', items: [], gift_message: null, coupon: null, reason: null, billing: null, anything: null };
    expect(stripStrictNulls(order, args)).toEqual(args);
  });

  it('keeps required nulls so validation rejects them clearly', () => {
    expect(stripStrictNulls(order, { customer_id: null, items: null })).toEqual({ customer_id: null, items: null });
  });

  it('walks nested objects, $refs and array items', () => {
    const args = {
      customer_id: 'c1',
      shipping: { line1: 'Main St 1', line2: null },
      billing: { line1: null, line2: null },
      items: [{ sku: 'A', note: null }, { sku: null }],
    };
    expect(stripStrictNulls(order, args)).toEqual({
      customer_id: 'c1',
      shipping: { line1: 'Main St 1' },
      billing: { line1: null },
      items: [{ sku: 'A' }, { sku: null }],
    });
  });

  it('follows recursive definitions', () => {
    const tree: JsonSchema = {
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node' } },
      $defs: {
        Node: { type: 'object', properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } },
      },
    };
    const args = {
      root: {
        label: null,
        children: [
          { label: 'a', children: null },
          { label: null, children: [{ label: null }] },
        ],
      },
    };
    expect(stripStrictNulls(tree, args)).toEqual({ root: { children: [{ label: 'a' }, { children: [{}] }] } });
  });

  it('merges what allOf members and union branches say', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        contact: {
          allOf: [{ properties: { email: { type: 'string' } }, required: ['email'] }, { properties: { phone: { type: 'string' } } }],
        },
        method: {
          oneOf: [
            { type: 'object', properties: { kind: { const: 'card' }, number: { type: 'string' } }, required: ['kind', 'number'] },
            {
              type: 'object',
              properties: { kind: { const: 'bank' }, iban: { type: 'string' }, bic: { type: 'string' } },
              required: ['kind', 'iban'],
            },
          ],
        },
      },
    };
    const args = { contact: { email: null, phone: null }, method: { kind: 'bank', iban: 'DE00', bic: null, number: null } };
    // `number` is required in the card branch, so its null stays: we cannot know the model meant the bank branch.
    expect(stripStrictNulls(schema, args)).toEqual({ contact: { email: null }, method: { kind: 'bank', iban: 'DE00', number: null } });
  });

  it('leaves undeclared properties and non-object arguments alone, and does not change its input', () => {
    const args = { customer_id: 'c1', items: [], extra: null, note: null };
    const copy = structuredClone(args);
    expect(stripStrictNulls(order, args)).toEqual({ customer_id: 'c1', items: [], extra: null });
    expect(args).toEqual(copy);
    expect(stripStrictNulls(order, null)).toBeNull();
    expect(stripStrictNulls(order, 'text')).toBe('text');
  });

  it('keeps a `__proto__` argument as data', () => {
    const args: unknown = JSON.parse('{"__proto__": {"polluted": true}, "customer_id": "c1"}');
    const out = stripStrictNulls(order, args) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
  });
});
