import { describe, expect, it } from 'vitest';
import { sideBySide } from './side-by-side.js';

describe('sideBySide', () => {
  it('marks changed, removed and added lines', () => {
    const out = sideBySide('a\nb\nc\nd', 'a\nB\nc\ne\nf', { width: 4 });
    expect(out.split('\n')).toEqual(['a      a', 'b    | B', 'c      c', 'd    | e', '     > f', '']);
  });

  it('cuts long lines to the column and prints titles', () => {
    const out = sideBySide('abcdefgh', 'abcdefgh', { width: 5, leftTitle: 'approved', rightTitle: 'proposed' });
    expect(out.split('\n')).toEqual(['appr…   proposed', '-----   -----', 'abcd…   abcdefgh', '']);
  });

  it('shows a line only on the left', () => {
    expect(sideBySide('x\ny', 'x', { width: 2 }).split('\n')).toEqual(['x    x', 'y  <', '']);
  });
});
