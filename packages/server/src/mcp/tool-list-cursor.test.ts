import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './tool-list-cursor.js';

describe('tools/list cursors', () => {
  it('round-trips a tool name and refuses anything it did not make', () => {
    expect(decodeCursor(encodeCursor('orders__get_order'))).toBe('orders__get_order');
    for (const bad of ['', 'not base64!', 'djE6', Buffer.from('v2:x').toString('base64url'), 'x'.repeat(401)]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});
