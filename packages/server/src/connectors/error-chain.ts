/** An error and its causes (and an AggregateError's members), outermost first: what a connector classifies. */
export function errorChain(err: unknown): Error[] {
  const out: Error[] = [];
  const queue: unknown[] = [err];
  // Bounded walk: a cyclic or very deep cause chain must not hang the error path.
  while (queue.length > 0 && out.length < 16) {
    const next = queue.shift();
    if (!(next instanceof Error) || out.includes(next)) continue;
    out.push(next);
    queue.push(next.cause);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
  }
  return out;
}

/** A Node system error code (`ECONNRESET`, …), if the error has one. */
export function errorCode(err: Error): string | undefined {
  const code: unknown = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

/** The chain in one line for logs and audit reasons: `TypeError: fetch failed <- Error: … (ECONNREFUSED)`. */
export function describeErrorChain(chain: readonly Error[]): string {
  if (chain.length === 0) return 'unknown failure';
  return chain.map((e) => `${e.name}: ${e.message}${errorCode(e) !== undefined ? ` (${errorCode(e)})` : ''}`).join(' <- ');
}
