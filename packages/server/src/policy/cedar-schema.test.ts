import { describe, expect, it } from 'vitest';
import type { Tool } from '../core/tool.js';
import { checkPrincipalAttributes, schemaAsText, toolPolicySchema } from './cedar-schema.js';
import { decimalText, ipValue, toCedarValue } from './cedar-value.js';

const tool = (inputSchema: Record<string, unknown>): Tool =>
  ({ name: 'shop__refund_order', pluginName: 'shop', inputSchema, definitionHash: 'h' }) as Tool;

describe('the generated Cedar schema of a tool', () => {
  const { schema, args, omitted } = toolPolicySchema(
    tool({
      type: 'object',
      required: ['orderId', 'body'],
      properties: {
        orderId: { type: 'string' },
        count: { type: 'integer' },
        express: { type: 'boolean' },
        note: { type: ['string', 'null'] },
        tags: { type: 'array', items: { type: 'string' } },
        body: {
          type: 'object',
          required: ['amount'],
          properties: { amount: { type: 'number' }, reason: { type: 'string' }, meta: { type: 'object' } },
        },
        lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
        choice: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        __entity: { type: 'string' },
      },
    }),
    { accountIds: 'Set<String>', tier: 'Long' },
  );
  const text = schemaAsText(schema);

  it('maps scalars, arrays of scalars and nested objects, keeping required and optional apart', () => {
    expect(text).toContain('orderId: String');
    expect(text).toContain('count?: Long');
    expect(text).toContain('express?: Bool');
    expect(text).toContain('note?: String');
    expect(text).toContain('tags?: Set<String>');
    expect(text).toMatch(/body: \{\s+amount: decimal,\s+reason\?: String\s+\}/);
  });

  it('omits and reports what Cedar cannot type', () => {
    expect(omitted.map((o) => o.path).sort()).toEqual(['__entity', 'body.meta', 'choice', 'lines']);
    expect(omitted.find((o) => o.path === 'choice')?.reason).toContain('anyOf');
    expect(text).not.toContain('lines');
  });

  it('declares the principal, tool, action and context authors may use', () => {
    expect(text).toContain('namespace Toolgate');
    expect(text).toMatch(/entity Principal = \{[^}]*attrs: \{\s+accountIds\?: Set<String>,\s+tier\?: Long\s+\}/);
    expect(text).toMatch(/entity Tool = \{\s+name: String,\s+plugin: String,\s+riskTier: String\s+\}/);
    expect(text).toContain('action "invoke" appliesTo');
    expect(text).toMatch(/now: \{\s+date: String,\s+epochSeconds: Long,\s+hour: Long,\s+minute: Long,\s+weekday: Long\s+\}/);
    expect(text).toContain('sourceIp?: ipaddr');
  });

  it('converts arguments by the same shape, copying only declared attributes', () => {
    const value = toCedarValue(args, { orderId: 'o1', note: null, body: { amount: 12.5, __extn: { fn: 'x' } }, extra: 1 }, 'args');
    expect(value).toEqual({ orderId: 'o1', body: { amount: { __extn: { fn: 'decimal', arg: '12.5' } } } });
    expect(() => toCedarValue(args, { body: { amount: 1 } }, 'args')).toThrow('args.orderId is missing');
  });
});

describe('local $refs', () => {
  it('follows $defs, and omits recursive or foreign references', () => {
    const { args, omitted } = toolPolicySchema(
      tool({
        type: 'object',
        required: ['body'],
        properties: { body: { $ref: '#/$defs/Refund' }, node: { $ref: '#/$defs/Node' }, ext: { $ref: 'https://x/y.json' } },
        $defs: {
          Refund: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
          Node: { type: 'object', properties: { label: { type: 'string' }, next: { $ref: '#/$defs/Node' } } },
        },
      }),
      {},
    );
    expect(schemaAsText(toolPolicySchema(tool({ type: 'object', properties: {} }), {}).schema)).toContain('args: {');
    expect(toCedarValue(args, { body: { amount: 5 }, node: { label: 'a' } }, 'args')).toEqual({
      body: { amount: { __extn: { fn: 'decimal', arg: '5.0' } } },
      node: { label: 'a' },
    });
    expect(omitted).toEqual([
      { path: 'node.next', reason: 'recursive schema' },
      { path: 'ext', reason: 'unsupported schema ($ref https://x/y.json)' },
    ]);
  });
});

describe('Cedar values', () => {
  it('writes decimals Cedar accepts and refuses what it cannot represent exactly', () => {
    expect(decimalText(100, 'a')).toBe('100.0');
    expect(decimalText(99.99, 'a')).toBe('99.99');
    expect(() => decimalText(99.99999, 'a')).toThrow('more than 4 decimal places');
    expect(() => decimalText(1e21, 'a')).toThrow('range');
  });

  it('reads caller IPs, unwrapping IPv4-mapped IPv6 and dropping junk', () => {
    expect(ipValue('::ffff:10.1.2.3')).toEqual({ __extn: { fn: 'ip', arg: '10.1.2.3' } });
    expect(ipValue('::1')).toEqual({ __extn: { fn: 'ip', arg: '::1' } });
    expect(ipValue('nope')).toBeUndefined();
    expect(ipValue(undefined)).toBeUndefined();
  });
});

describe('principal attributes', () => {
  const types = { accountIds: 'Set<String>', limit: 'Long' } as const;
  it('accepts values of the declared types', () => {
    expect(() => checkPrincipalAttributes({ accountIds: ['a1'], limit: 3 }, types)).not.toThrow();
  });
  it('refuses unknown attributes and wrong types, naming the attribute', () => {
    expect(() => checkPrincipalAttributes({ region: 'eu' }, types)).toThrow(/Unknown principal attribute "region"/);
    expect(() => checkPrincipalAttributes({ limit: 1.5 }, types)).toThrow(/"limit" must be a Long/);
    expect(() => checkPrincipalAttributes({ accountIds: 'a1' }, types)).toThrow(/"accountIds" must be a Set<String>/);
  });
});
