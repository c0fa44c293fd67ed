export type MediaKind = 'json' | 'form' | 'text';

export interface PickedMedia {
  /** The key as written in `content`. */
  readonly key: string;
  readonly media: unknown;
  /** What the connector sends as Content-Type. */
  readonly contentType: string;
  readonly kind: MediaKind;
}

function essence(key: string): string {
  return (key.split(';')[0] ?? '').trim().toLowerCase();
}

/** Lower is better; undefined means "cannot send this yet". */
function rank(key: string): { rank: number; kind: MediaKind } | undefined {
  const type = essence(key);
  if (type === 'application/json') return { rank: 0, kind: 'json' };
  if (/^[a-z0-9.+-]+\/[a-z0-9.+-]*\+json$/.test(type)) return { rank: 1, kind: 'json' };
  if (type === 'application/x-www-form-urlencoded') return { rank: 2, kind: 'form' };
  if (type === 'text/plain') return { rank: 3, kind: 'text' };
  // Generated specs (springdoc and friends) write `*/*` for what is JSON in practice.
  if (type === '*/*' || type === 'application/*') return { rank: 4, kind: 'json' };
  return undefined;
}

/** The request body media type to send: JSON, then form-urlencoded, then plain text. */
export function pickRequestMediaType(content: Record<string, unknown>): PickedMedia | undefined {
  let best: (PickedMedia & { rank: number }) | undefined;
  for (const [key, media] of Object.entries(content)) {
    const ranked = rank(key);
    if (ranked === undefined || (best !== undefined && best.rank <= ranked.rank)) continue;
    const contentType = ranked.rank === 4 ? 'application/json' : key;
    best = { key, media, contentType, kind: ranked.kind, rank: ranked.rank };
  }
  if (best === undefined) return undefined;
  const { rank: _rank, ...picked } = best;
  return picked;
}

/** The JSON media type of a response, if it has one. */
export function pickJsonMediaType(content: Record<string, unknown>): PickedMedia | undefined {
  const json = Object.entries(content).filter(([key]) => rank(key)?.kind === 'json');
  return pickRequestMediaType(Object.fromEntries(json));
}
