import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { fitMcpResult } from './fit-mcp-result.js';

const size = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

describe('fitMcpResult', () => {
  it('passes an answer that fits whole, with its JSON size', () => {
    const result = { content: [{ type: 'text' as const, text: 'hello' }], structuredContent: { a: 1 } };
    const fitted = fitMcpResult(result, 1_000);
    expect(fitted).toEqual({ body: result, bytes: size(result), truncated: false });
  });

  it.each([200, 257, 1_000, 4_096])('cuts text needing JSON escapes and multi-byte characters to at most %i bytes', (limit) => {
    const text = 'line "quoted"\n\u0001 ünïcødé 😀 '.repeat(500);
    const fitted = fitMcpResult(
      {
        content: [
          { type: 'text', text },
          { type: 'text', text },
        ],
        isError: true,
      },
      limit,
    );
    expect(fitted.truncated).toBe(true);
    expect(size(fitted.body)).toBeLessThanOrEqual(limit);
    expect(fitted.body.isError).toBe(true);
    const blocks = fitted.body.content as { text: string }[];
    expect(blocks.at(-1)?.text).toMatch(/^\[Toolgate: the tool's answer was \d+ bytes, over the \d+-byte limit, and was cut here\.\]$/);
    // Kept text is a prefix of the original, never ending on half a surrogate pair.
    for (const block of blocks.slice(0, -1)) {
      expect(text.startsWith(block.text)).toBe(true);
      expect(block.text).not.toMatch(/[\uD800-\uDBFF]$/);
    }
  });

  it('falls back to the notice alone when the blocks do not fit even empty', () => {
    const content = Array.from({ length: 50 }, () => ({ type: 'image' as const, data: 'x'.repeat(100), mimeType: 'image/png' }));
    const fitted = fitMcpResult({ content }, 300);
    expect(fitted.body.content).toHaveLength(1);
    expect(size(fitted.body)).toBeLessThanOrEqual(300);
  });

  it('refuses with UPSTREAM_ERROR when the limit cannot hold even the notice', () => {
    let error: unknown;
    try {
      fitMcpResult({ content: [{ type: 'text', text: 'x'.repeat(1_000) }] }, 50);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('UPSTREAM_ERROR');
  });
});
