import { describe, expect, it } from 'vitest';
import { assignTargetNames, type NameRule } from './target-names.js';

const OPENAI: NameRule = { allowedChar: /[a-zA-Z0-9_-]/, maxLength: 64 };
const GEMINI: NameRule = { allowedChar: /[a-zA-Z0-9_.-]/, firstChar: /[a-zA-Z_]/, maxLength: 64 };

describe('assignTargetNames', () => {
  it('keeps names that already fit', () => {
    const names = assignTargetNames(['orders__list_orders', 'orders__get_order'], OPENAI, 64);
    expect([...names]).toEqual([
      ['orders__get_order', 'orders__get_order'],
      ['orders__list_orders', 'orders__list_orders'],
    ]);
  });

  it('keeps a name of exactly the limit and cuts a longer one with a hash', () => {
    const exact = `p__${'a'.repeat(61)}`;
    const longer = `p__${'a'.repeat(62)}`;
    const names = assignTargetNames([exact, longer], { ...OPENAI, maxLength: 128 }, 64);
    expect(names.get(exact)).toBe(exact);
    expect(names.get(longer)).toMatch(/^p__a+_[0-9a-f]{6}$/);
    expect(names.get(longer)).toHaveLength(64);
  });

  it('leaves headroom: names sharing a long prefix stay distinct under a lower maxNameLength', () => {
    const a = `orders__${'x'.repeat(50)}_a`;
    const b = `orders__${'x'.repeat(50)}_b`;
    const names = assignTargetNames([a, b], OPENAI, 40);
    expect(names.get(a)).toHaveLength(40);
    expect(names.get(b)).toHaveLength(40);
    expect(names.get(a)).not.toBe(names.get(b));
  });

  it('fixes the first character for Gemini and hashes only on collision', () => {
    const names = assignTargetNames(['3d__render', '_3d__render', '4x__scan'], GEMINI, 64);
    expect(names.get('_3d__render')).toBe('_3d__render');
    expect(names.get('4x__scan')).toBe('_4x__scan');
    expect(names.get('3d__render')).toMatch(/^_3d__render_[0-9a-f]{6}$/);
  });

  it('gives every colliding transformed name its own hash', () => {
    const rule: NameRule = { allowedChar: /[a-z_]/, maxLength: 64 };
    const names = assignTargetNames(['a-b', 'a_b', 'a.b'], rule, 64);
    expect(names.get('a_b')).toBe('a_b');
    expect(new Set(names.values()).size).toBe(3);
    for (const value of names.values()) expect(value).toMatch(/^a_b(_[0-9a-f]{6})?$/);
  });

  it('depends on the set of names, not their order', () => {
    const list = ['9a__x', '_9a__x', 'a-b__c', 'long__'.padEnd(80, 'z'), 'long__'.padEnd(81, 'z')];
    const forward = assignTargetNames(list, GEMINI, 48);
    const backward = assignTargetNames([...list].reverse(), GEMINI, 48);
    expect([...backward].sort()).toEqual([...forward].sort());
  });

  it('refuses a maxNameLength that cannot hold a hashed name', () => {
    expect(() => assignTargetNames(['a'], OPENAI, 7)).toThrow(RangeError);
  });
});
