/**
 * OpenAPI parameter serialization (3.0/3.1 `style` + `explode`). Query output is already
 * percent-encoded pieces (`key=value`) so that delimiters stay literal while values are encoded.
 */

const enc = encodeURIComponent;

/** A primitive as text; nested structures the style cannot express are sent as JSON. */
export function scalarText(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/**
 * Encoded `key=value` pieces for one query parameter. Styles: form (default; explode defaults to
 * true), spaceDelimited, pipeDelimited, deepObject. An empty array contributes nothing.
 */
export function serializeQuery(name: string, value: unknown, style = 'form', explode?: boolean): string[] {
  if (value === undefined) return [];
  const key = enc(name);
  if (style === 'deepObject' && isPlainObject(value)) return deepObject(key, value);
  const exploded = explode ?? style === 'form';
  const delimiter = style === 'spaceDelimited' ? '%20' : style === 'pipeDelimited' ? '|' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const items = value.map((v) => enc(scalarText(v)));
    return exploded ? items.map((v) => `${key}=${v}`) : [`${key}=${items.join(delimiter)}`];
  }
  if (isPlainObject(value)) {
    const entries = definedEntries(value);
    if (exploded) return entries.map(([k, v]) => `${enc(k)}=${enc(scalarText(v))}`);
    return [`${key}=${entries.flatMap(([k, v]) => [enc(k), enc(scalarText(v))]).join(delimiter)}`];
  }
  return [`${key}=${enc(scalarText(value))}`];
}

/** `a[b]=c`, recursing as `a[b][c]=d`; arrays repeat the key (the common qs reading). */
function deepObject(prefix: string, value: unknown): string[] {
  if (isPlainObject(value)) return definedEntries(value).flatMap(([k, v]) => deepObject(`${prefix}[${enc(k)}]`, v));
  if (Array.isArray(value)) return value.flatMap((v) => deepObject(prefix, v));
  return [`${prefix}=${enc(scalarText(value))}`];
}

/** One item of the simple/label/matrix styles: a bare value, or `key=value` for exploded objects. */
type StyleItem = readonly [key: string | undefined, value: string];

function simpleItems(value: unknown, explode: boolean): StyleItem[] {
  if (Array.isArray(value)) return value.map((v) => [undefined, scalarText(v)]);
  if (isPlainObject(value)) {
    const entries = definedEntries(value);
    if (explode) return entries.map(([k, v]) => [k, scalarText(v)]);
    return entries.flatMap(([k, v]): StyleItem[] => [
      [undefined, k],
      [undefined, scalarText(v)],
    ]);
  }
  return [[undefined, scalarText(value)]];
}

function joinItems(items: readonly StyleItem[], encode: (s: string) => string, separator: string): string {
  return items.map(([k, v]) => (k === undefined ? encode(v) : `${encode(k)}=${encode(v)}`)).join(separator);
}

/** Header value in the simple style (OpenAPI's only style for headers); checked by the caller. */
export function serializeHeader(value: unknown, explode = false): string {
  return joinItems(simpleItems(value, explode), (s) => s, ',');
}

/**
 * Path text for simple (default), label and matrix styles. `encode` is applied to every key and
 * value separately, so it is where the caller refuses traversal (`.`, `..`, `/`).
 */
export function serializePath(
  name: string,
  value: unknown,
  style = 'simple',
  explode = false,
  encode: (s: string) => string = enc,
): string {
  const items = simpleItems(value, explode);
  if (style === 'label') return `.${joinItems(items, encode, explode ? '.' : ',')}`;
  if (style === 'matrix') {
    const key = encode(name);
    if (!explode || !(Array.isArray(value) || isPlainObject(value))) return `;${key}=${joinItems(items, encode, ',')}`;
    return items.map(([k, v]) => (k === undefined ? `;${key}=${encode(v)}` : `;${encode(k)}=${encode(v)}`)).join('');
  }
  return joinItems(items, encode, ',');
}

/** `application/x-www-form-urlencoded` body: arrays repeat the key, nested objects travel as JSON. */
export function serializeFormBody(value: Record<string, unknown>): string {
  return definedEntries(value)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => [k, item] as const) : [[k, v] as const]))
    .map(([k, v]) => `${enc(k)}=${enc(scalarText(v))}`)
    .join('&');
}

/** A field name as HTML forms write it in Content-Disposition: quotes and line breaks percent-encoded. */
function dispositionName(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * `multipart/form-data` body with text parts only: arrays repeat the part, objects travel as JSON parts
 * (the OpenAPI default for object properties), null as an empty part. The caller picks a boundary that
 * occurs in no value.
 */
export function serializeMultipart(value: Record<string, unknown>, boundary: string): string {
  const parts = definedEntries(value)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((item: unknown) => [k, item] as const) : [[k, v] as const]))
    .map(([k, v]) => {
      const json = typeof v === 'object' && v !== null;
      const headers = [`Content-Disposition: form-data; name="${dispositionName(k)}"`];
      if (json) headers.push('Content-Type: application/json');
      return `--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n${json ? JSON.stringify(v) : scalarText(v)}\r\n`;
    });
  return `${parts.join('')}--${boundary}--\r\n`;
}
