import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageAfter } from './tool-list-cursor.js';

const items = ['a__one', 'a__three', 'a__two', 'b__four', 'b__five'].sort((x, y) => x.localeCompare(y)).map((name) => ({ name }));

describe('tools/list cursors', () => {
  it('round-trips a tool name and refuses anything it did not make', () => {
    expect(decodeCursor(encodeCursor('orders__get_order'))).toBe('orders__get_order');
    for (const bad of ['', 'not base64!', 'djE6', Buffer.from('v2:x').toString('base64url'), 'x'.repeat(401)]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });

  it('pages through every item once, in order', () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const { page, nextCursor } = pageAfter(items, after, 2);
      seen.push(...page.map((i) => i.name));
      pages += 1;
      if (nextCursor === undefined) break;
      after = decodeCursor(nextCursor);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(items.map((i) => i.name));
  });

  it('continues after the named tool even when it was removed between pages', () => {
    const { nextCursor } = pageAfter(items, undefined, 2);
    const shrunk = items.filter((i) => i.name !== 'a__three');
    const next = pageAfter(shrunk, decodeCursor(nextCursor ?? ''), 2);
    expect(next.page.map((i) => i.name)).toEqual(['a__two', 'b__five']);
    expect(pageAfter(items, 'zzz', 2)).toEqual({ page: [] });
  });
});
