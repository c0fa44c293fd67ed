import { isRecord } from '../json-value.js';
import { ImportProblem } from '../spec-import.js';

export function encodePointerSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1')).replace(/%24/g, '$');
}

export function appendPointer(pointer: string, ...segments: (string | number)[]): string {
  return pointer + segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Segments of a local `$ref` (`#/a/b~1c` → ['a', 'b/c']); undefined when the fragment is not a JSON pointer. */
export function refSegments(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === '') return [];
  if (!fragment.startsWith('/')) return undefined;
  return fragment
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a local `$ref` points at inside the document. */
export function resolveLocalRef(doc: unknown, ref: string): unknown {
  const segments = refSegments(ref);
  if (segments === undefined) throw new ImportProblem(`$ref "${ref}" is not a local JSON pointer`);
  let node: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(segment) && Number(segment) < node.length) {
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      node = node[segment];
    } else {
      throw new ImportProblem(`$ref "${ref}" points to nothing in the document`);
    }
  }
  return node;
}

/**
 * Follows a chain of Reference Objects (`{ $ref }`, e.g. to `#/components/parameters/X`) to the object it
 * ends at; a chain that comes back on itself is an error, not a hang.
 */
export function dereference(doc: unknown, value: unknown, what: string): Record<string, unknown> {
  const seen = new Set<string>();
  let node = value;
  while (isRecord(node) && typeof node['$ref'] === 'string') {
    const ref = node['$ref'];
    if (seen.has(ref)) throw new ImportProblem(`${what}: circular $ref "${ref}"`);
    seen.add(ref);
    node = resolveLocalRef(doc, ref);
  }
  if (!isRecord(node)) throw new ImportProblem(`${what} is not an object`);
  return node;
}
