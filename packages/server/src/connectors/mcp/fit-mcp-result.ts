import { GatewayError } from '../../core/gateway-error.js';
import type { McpToolResult } from './mcp-upstream.js';

/** The body an MCP tool result is handed on as (`UpstreamResult.body`). */
export interface McpResultBody {
  readonly content: readonly unknown[];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

export interface FittedMcpResult {
  readonly body: McpResultBody;
  /** Size of the upstream's whole answer as JSON (UTF-8 bytes), even when `body` was cut. */
  readonly bytes: number;
  readonly truncated: boolean;
}

/**
 * Makes a tool result fit in `maxBytes` of JSON. A result that fits is passed whole. One that does not
 * is cut, not refused, so the model still sees what it can (like a capped HTTP body): text blocks are
 * kept up to the budget, in order; anything that cannot be cut and stay valid — images, audio, embedded
 * resources, and `structuredContent` — is dropped; and a final text block says what happened. A limit too
 * small to hold even that notice is refused with UPSTREAM_ERROR.
 */
export function fitMcpResult(result: McpToolResult, maxBytes: number): FittedMcpResult {
  const whole: McpResultBody = {
    content: result.content,
    ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
    ...(result.isError === undefined ? {} : { isError: result.isError }),
  };
  const bytes = jsonBytes(whole);
  if (bytes <= maxBytes) return { body: whole, bytes, truncated: false };

  const notice = {
    type: 'text',
    text:
      `[Toolgate: the tool's answer was ${bytes} bytes, over the ${maxBytes}-byte limit, and was cut here.` +
      `${result.structuredContent === undefined ? '' : ' Its structuredContent was dropped.'}]`,
  };
  const isError = result.isError === undefined ? {} : { isError: result.isError };
  const texts = result.content.map((block) => (block.type === 'text' ? block.text : undefined));
  const omitted = result.content.map((block) => ({ type: 'text', text: `[Toolgate: ${block.type} content omitted]` }));
  // Fixed cost: every block as an empty text or an omission notice, plus the final notice.
  const skeleton = result.content.map((_, i) => (texts[i] === undefined ? omitted[i] : { type: 'text', text: '' }));
  let budget = maxBytes - jsonBytes({ content: [...skeleton, notice], ...isError });
  if (budget >= 0) {
    const content = result.content.map((_, i) => {
      const text = texts[i];
      if (text === undefined) return omitted[i];
      const kept = prefixWithinJsonBytes(text, budget);
      budget -= jsonBytes(kept) - 2;
      return { type: 'text', text: kept };
    });
    const body = { content: [...content, notice], ...isError };
    if (jsonBytes(body) <= maxBytes) return { body, bytes, truncated: true };
  }
  const bare = { content: [notice], ...isError };
  if (jsonBytes(bare) <= maxBytes) return { body: bare, bytes, truncated: true };
  throw new GatewayError('UPSTREAM_ERROR', {
    message:
      "The plugin's answer is larger than the configured response limit. Ask for less data, or ask an administrator to raise the limit.",
    reason: `MCP result of ${bytes} bytes; maxResponseBytes ${maxBytes} cannot even hold the truncation notice`,
  });
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** The longest prefix of `text` whose JSON string literal, quotes excluded, is at most `budget` bytes. */
function prefixWithinJsonBytes(text: string, budget: number): string {
  // Each character costs at least one byte, so no prefix longer than `budget` can fit: this bounds the work.
  let low = 0;
  let high = Math.min(text.length, budget);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (jsonBytes(text.slice(0, mid)) - 2 <= budget) low = mid;
    else high = mid - 1;
  }
  const cut = text.slice(0, low);
  // Never end on half of a surrogate pair.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
