/**
 * tools/list cursors are opaque to clients but carry no server state: a cursor names the last tool of the
 * previous page, and the next page starts after it. That keeps paging correct on any gateway node and
 * stable when tools come and go between pages (nothing is skipped or repeated around the cut).
 */
const PREFIX = 'v1:';

export function encodeCursor(lastName: string): string {
  return Buffer.from(`${PREFIX}${lastName}`, 'utf8').toString('base64url');
}

/** The tool name the cursor continues after, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) return undefined;
  // Round-trip check: rejects non-canonical encodings and bytes that were not valid UTF-8.
  return encodeCursor(text.slice(PREFIX.length)) === cursor ? text.slice(PREFIX.length) : undefined;
}
