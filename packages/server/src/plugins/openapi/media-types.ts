/** How a request body is written: JSON, form-urlencoded, multipart/form-data with text parts, or raw text. */
export type MediaKind = 'json' | 'form' | 'multipart' | 'text';

export interface PickedMedia {
  /** The key as written in `content`. */
  readonly key: string;
  readonly media: unknown;
  /** What the connector sends as Content-Type (multipart gets its boundary at send time). */
  readonly contentType: string;
  readonly kind: MediaKind;
  /** XML is sent as text the model writes; the schema describing its structure cannot be enforced. */
  readonly isXml: boolean;
  /** Said as a warning when this media type is the one used: how it was read differently from how it was written. */
  readonly note?: string;
}

function essence(key: string): string {
  return (key.split(';')[0] ?? '').trim().toLowerCase();
}

const XML = /^(application|text)\/([a-z0-9.+-]+\+)?xml$/;

/** Lower is better; undefined means "cannot send this". */
function rank(key: string): { rank: number; kind: MediaKind } | undefined {
  const type = essence(key);
  if (type === 'application/json') return { rank: 0, kind: 'json' };
  if (/^[a-z0-9.+-]+\/[a-z0-9.+-]*\+json$/.test(type)) return { rank: 1, kind: 'json' };
  if (type === 'application/x-www-form-urlencoded') return { rank: 2, kind: 'form' };
  if (type === 'multipart/form-data') return { rank: 3, kind: 'multipart' };
  // A misspelling published specs have (Mastodon's among them); what their servers accept is multipart.
  if (type === 'application/form-data') return { rank: 3.5, kind: 'multipart' };
  if (type === 'text/plain') return { rank: 4, kind: 'text' };
  if (XML.test(type)) return { rank: 5, kind: 'text' };
  if (/^text\/[a-z0-9.+-]+$/.test(type)) return { rank: 6, kind: 'text' };
  // Generated specs (springdoc and friends) write `*/*` for what is JSON in practice.
  if (type === '*/*' || type === 'application/*') return { rank: 7, kind: 'json' };
  return undefined;
}

/** Media types whose bodies are bytes a model cannot write: the operation is refused, not half-imported. */
export function isBinaryMediaType(key: string): boolean {
  const type = essence(key);
  return (
    /^(image|audio|video|font|model)\//.test(type) ||
    /^application\/(octet-stream|pdf|zip|gzip|x-tar|x-gzip|x-7z-compressed|vnd\.[a-z0-9.+-]*(zip|sheet|document|presentation))/.test(type)
  );
}

/** The request body media types the connector can send, best first: JSON, form, multipart, plain text, XML, other text. */
export function requestMediaCandidates(content: Record<string, unknown>): PickedMedia[] {
  const ranked: (PickedMedia & { rank: number })[] = [];
  for (const [key, media] of Object.entries(content)) {
    const found = rank(key);
    if (found === undefined) continue;
    const contentType = found.rank === 7 ? 'application/json' : found.kind === 'multipart' ? 'multipart/form-data' : key;
    const note = essence(key) === 'application/form-data' ? `"${key}" is not a media type; it is sent as multipart/form-data` : undefined;
    ranked.push({ key, media, contentType, kind: found.kind, isXml: XML.test(essence(key)), rank: found.rank, ...(note ? { note } : {}) });
  }
  // Stable: equal ranks keep the document's order.
  return ranked.sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...picked }) => picked);
}

/** The request body media type to send, if the connector can send any. */
export function pickRequestMediaType(content: Record<string, unknown>): PickedMedia | undefined {
  return requestMediaCandidates(content)[0];
}

/** The JSON media type of a response, if it has one. */
export function pickJsonMediaType(content: Record<string, unknown>): PickedMedia | undefined {
  const json = Object.entries(content).filter(([key]) => rank(key)?.kind === 'json');
  return pickRequestMediaType(Object.fromEntries(json));
}
