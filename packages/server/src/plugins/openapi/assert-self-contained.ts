import { GatewayError } from '../../core/gateway-error.js';
import { appendPointer } from './json-pointer.js';

/** Far deeper than real specs; deeper documents would overflow recursive consumers (hashing, validation). */
const MAX_DOCUMENT_DEPTH = 500;
/** Keys whose values are data, not spec structure: a `$ref` in an example is just text. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

interface Frame {
  readonly value: object;
  readonly entries: [string, unknown][];
  index: number;
  readonly pointer: string;
  readonly inData: boolean;
}

function refuse(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

/**
 * Refuses documents the importer must not follow or cannot represent: `$ref`s to other documents (never
 * fetched, so importing cannot be turned into a request forgery), YAML alias cycles, and absurd nesting.
 * Iterative, so a hostile document cannot overflow the stack here.
 */
export function assertSelfContained(doc: Record<string, unknown>): void {
  const onPath = new Set<object>();
  const stack: Frame[] = [{ value: doc, entries: Object.entries(doc), index: 0, pointer: '#', inData: false }];
  onPath.add(doc);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame === undefined) break;
    const entry = frame.entries[frame.index];
    if (entry === undefined) {
      stack.pop();
      onPath.delete(frame.value);
      continue;
    }
    frame.index += 1;
    const [key, value] = entry;
    const pointer = appendPointer(frame.pointer, key);
    if (key === '$ref' && typeof value === 'string' && !frame.inData && !value.startsWith('#')) {
      throw refuse(
        `The spec references another document ($ref "${value}" at ${frame.pointer}). Toolgate never fetches ` +
          'external $refs; bundle the spec into one self-contained file first (e.g. `redocly bundle`).',
      );
    }
    if (typeof value !== 'object' || value === null) continue;
    if (onPath.has(value)) throw refuse(`The document contains itself (a YAML alias cycle) at ${pointer}.`);
    if (stack.length >= MAX_DOCUMENT_DEPTH) throw refuse(`The document is nested more than ${MAX_DOCUMENT_DEPTH} levels deep.`);
    onPath.add(value);
    stack.push({
      value,
      entries: Object.entries(value),
      index: 0,
      pointer,
      inData: frame.inData || DATA_KEYS.has(key) || key.startsWith('x-'),
    });
  }
}
