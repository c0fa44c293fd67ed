import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../core/tool.js';
import { refDepthBound } from './ref-depth-bound.js';
import { PIECEWISE_MAX_REF_DEPTH } from './schema-compile-check.js';

/** A ring of `length` defs, each referring to the next with the ref nested `nest` objects deep. */
function ring(length: number, nest: number): JsonSchema {
  const defs: Record<string, unknown> = {};
  for (let i = 0; i < length; i += 1) {
    let inner: Record<string, unknown> = { $ref: `#/$defs/S${(i + 1) % length}` };
    for (let d = 0; d < nest; d += 1) inner = { type: 'object', properties: { x: inner, y: { type: 'string', pattern: '^a' } } };
    defs[`S${i}`] = nest === 0 ? { allOf: [inner] } : inner;
  }
  return { $ref: '#/$defs/S0', $defs: defs };
}

describe('refDepthBound', () => {
  it('is 0 without refs', () => {
    expect(refDepthBound({ type: 'object', properties: { a: { type: 'string' } } })).toBe(0);
  });

  it('follows the heaviest chain, not the sum, through a DAG', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' }, b: { $ref: '#/$defs/B' } },
      $defs: {
        A: { $ref: '#/$defs/C' },
        B: { type: 'object', properties: { c: { $ref: '#/$defs/C' } } },
        C: { type: 'string' },
      },
    };
    // root → b (depth 2) → B (weight 1 + 2) → C (weight 1)
    expect(refDepthBound(schema)).toBe(2 + 3 + 1);
  });

  it('counts a cycle whole', () => {
    expect(refDepthBound(ring(10, 1))).toBe(10 * 3);
    expect(refDepthBound({ $ref: '#/$defs/Self', $defs: { Self: { items: { $ref: '#/$defs/Self' } } } })).toBe(2);
  });

  it('keeps Ajv clear of stack overflows below twice the piecewise limit', () => {
    // Calibration guard: if an Ajv upgrade needs more stack per level, this fails before imports do.
    for (const nest of [0, 1, 3, 10]) {
      let length = 1;
      while (refDepthBound(ring(length + 1, nest)) <= PIECEWISE_MAX_REF_DEPTH * 2) length += 1;
      const schema = ring(length, nest);
      const ajv = new Ajv2020({ strict: false, logger: false });
      addFormats.default(ajv);
      expect(() => ajv.compile(schema), `nest ${nest}, ${length} defs`).not.toThrow();
    }
  });
});
