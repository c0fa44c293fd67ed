import type { Readable } from 'node:stream';

export interface CappedBody {
  /** At most `maxBytes` bytes of the body. */
  readonly body: Buffer;
  /** Bytes received off the wire before reading stopped (can exceed `maxBytes` by part of a chunk). */
  readonly receivedBytes: number;
  /** The upstream sent more than `maxBytes`; the rest was not read. */
  readonly truncated: boolean;
}

/**
 * Reads a response body but stops as soon as it exceeds `maxBytes`, so an upstream cannot make us
 * buffer an unbounded answer. Leaving the loop early destroys the stream, which closes that
 * connection instead of draining it.
 */
export async function readCappedBody(stream: Readable, maxBytes: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    received += chunk.length;
    chunks.push(chunk);
    if (received > maxBytes) {
      return { body: Buffer.concat(chunks).subarray(0, maxBytes), receivedBytes: received, truncated: true };
    }
  }
  return { body: Buffer.concat(chunks), receivedBytes: received, truncated: false };
}
