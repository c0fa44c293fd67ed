import { diffArrays } from 'diff';

/**
 * Two texts in two columns, `diff -y` style: `|` marks a changed line, `<` a line only on the left,
 * `>` one only on the right. Long lines are cut to the column width with `…`.
 */
export function sideBySide(left: string, right: string, opts: { width?: number; leftTitle?: string; rightTitle?: string } = {}): string {
  const width = opts.width ?? 60;
  const cell = (text: string): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const rows: string[] = [];
  if (opts.leftTitle !== undefined || opts.rightTitle !== undefined) {
    rows.push(`${cell(opts.leftTitle ?? '')}   ${opts.rightTitle ?? ''}`.trimEnd());
    rows.push(`${'-'.repeat(width)}   ${'-'.repeat(width)}`);
  }
  const parts = diffArrays(left.split('\n'), right.split('\n'));
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (part === undefined) continue;
    const next = parts[i + 1];
    if (part.removed && next?.added === true) {
      // A removal followed by an addition is a change: pair the lines up.
      const n = Math.max(part.value.length, next.value.length);
      for (let j = 0; j < n; j += 1) {
        const l = part.value[j];
        const r = next.value[j];
        const mark = l !== undefined && r !== undefined ? '|' : l !== undefined ? '<' : '>';
        rows.push(`${cell(l ?? '')} ${mark} ${r ?? ''}`.trimEnd());
      }
      i += 1;
    } else if (part.removed) {
      for (const l of part.value) rows.push(`${cell(l)} <`);
    } else if (part.added) {
      for (const r of part.value) rows.push(`${cell('')} > ${r}`);
    } else {
      for (const l of part.value) rows.push(`${cell(l)}   ${l}`.trimEnd());
    }
  }
  return `${rows.join('\n')}\n`;
}
