import { redacted } from './scan-pattern.js';
import { CREDENTIAL_FIELD_KIND, isCredentialField } from './secret-patterns.js';
import { countRedaction, type RedactionCounts, type TextScanner } from './text-scanner.js';

export interface BodyScan {
  readonly text: TextScanner;
  /** Whether fields named like credentials (`password`, `api_key`, …) have their string values redacted. */
  readonly credentialFields: boolean;
}

/**
 * Walks a parsed JSON body and redacts inside every string value and object key, keeping the shape: a
 * redacted value is still a string, a redacted key still names its value. Each string is scanned once
 * as it is; nothing is stringified and scanned again. Unchanged parts are returned as they are (no copy).
 * Numbers, booleans and null pass: a card number sent as a JSON number cannot be told from an id.
 */
export function scanBody(body: unknown, scan: BodyScan, counts: RedactionCounts): unknown {
  if (typeof body === 'string') return scan.text.scan(body, counts);
  if (Array.isArray(body)) return scanArray(body, scan, counts);
  if (typeof body === 'object' && body !== null) return scanObject(body as Record<string, unknown>, scan, counts);
  return body;
}

function scanArray(items: unknown[], scan: BodyScan, counts: RedactionCounts): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const next = scanBody(item, scan, counts);
    if (next !== item) {
      out ??= items.slice();
      out[i] = next;
    }
  }
  return out ?? items;
}

function scanObject(obj: Record<string, unknown>, scan: BodyScan, counts: RedactionCounts): Record<string, unknown> {
  const keys = Object.keys(obj);
  let entries: [string, unknown][] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = obj[key];
    let next: unknown;
    if (scan.credentialFields && typeof value === 'string' && value.length > 0 && isCredentialField(key)) {
      countRedaction(counts, CREDENTIAL_FIELD_KIND);
      next = redacted(CREDENTIAL_FIELD_KIND);
    } else {
      next = scanBody(value, scan, counts);
    }
    const nextKey = scan.text.scan(key, counts);
    if (entries === undefined && (next !== value || nextKey !== key)) {
      entries = keys.slice(0, i).map((k) => [k, obj[k]]);
    }
    entries?.push([nextKey, next]);
  }
  if (entries === undefined) return obj;
  // fromEntries defines own properties, so a key such as "__proto__" stays data and never sets a prototype.
  return Object.fromEntries(distinctKeys(entries));
}

/**
 * Two keys redacted to the same text would merge into one; number the later ones instead. The next number
 * is remembered per key, so an object keyed by thousands of addresses costs one pass, not one per pair.
 */
function distinctKeys(entries: [string, unknown][]): [string, unknown][] {
  const seen = new Set<string>();
  const nextNumber = new Map<string, number>();
  for (const entry of entries) {
    const base = entry[0];
    let key = base;
    let n = nextNumber.get(base) ?? 2;
    while (seen.has(key)) key = `${base}#${n++}`;
    nextNumber.set(base, n);
    seen.add(key);
    entry[0] = key;
  }
  return entries;
}
