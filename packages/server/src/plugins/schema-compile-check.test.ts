import { describe, expect, it } from 'vitest';
import { SchemaCompileCheck } from './schema-compile-check.js';

describe('SchemaCompileCheck', () => {
  it('accepts schemas Ajv 2020 compiles, with formats', () => {
    const check = new SchemaCompileCheck();
    expect(check.problemWith({ type: 'object', properties: { at: { type: 'string', format: 'date-time' } } })).toBeUndefined();
    expect(check.problemWith({ $ref: '#/$defs/A', $defs: { A: { type: 'array', items: { $ref: '#/$defs/A' } } } })).toBeUndefined();
  });

  it('names the def that does not compile, and the root when it is the root', () => {
    const check = new SchemaCompileCheck();
    const bad = { type: 'string', pattern: '(' };
    expect(check.problemWith({ properties: { a: { $ref: '#/$defs/Bad' } }, $defs: { Bad: bad } })).toMatch(/^in \$defs\/Bad: /);
    expect(check.problemWith({ properties: { a: { $ref: '#/$defs/Missing' } }, $defs: { Other: {} } })).toMatch(/can't resolve reference/);
    expect(check.problemWith({ type: 'object', minProperties: 'three' })).toMatch(/must be integer/);
  });

  it('compiles deep ref chains whole, and reports the ones Ajv cannot compile', () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 400; i += 1) {
      defs[`S${i}`] = {
        type: 'object',
        properties: { next: { type: 'object', properties: { x: { allOf: [{ $ref: `#/$defs/S${(i + 1) % 400}` }] } } } },
      };
    }
    expect(new SchemaCompileCheck().problemWith({ $ref: '#/$defs/S0', $defs: defs })).toMatch(/call stack/);
  });
});
