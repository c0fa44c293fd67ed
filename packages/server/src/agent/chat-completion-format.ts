import type { ChatToolCall } from './chat-types.js';
import type { ChatTurnMeta, ChatTurnResult } from './chat-turn.js';
import type { PendingApproval } from './run-model-tool-calls.js';

/**
 * Toolgate's addition to a response, next to the OpenAI fields (clients that do not know it ignore it):
 * the call waiting for approval, with room for the approval id the approval workflow will add.
 */
export interface ToolgateExtension {
  readonly pendingApprovals: PendingApproval[];
}

function extension(result: ChatTurnResult): { toolgate?: ToolgateExtension } {
  return result.pendingApproval ? { toolgate: { pendingApprovals: [result.pendingApproval] } } : {};
}

/** A `chat.completion` object for a finished turn. */
export function chatCompletionBody(result: ChatTurnResult): Record<string, unknown> {
  return {
    id: result.id,
    object: 'chat.completion',
    created: result.created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.content,
          refusal: null,
          ...(result.toolCalls.length > 0 ? { tool_calls: result.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: result.finishReason,
      },
    ],
    usage: result.usage,
    ...extension(result),
  };
}

function chunk(meta: ChatTurnMeta, delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The first chunk of a stream: the role, as OpenAI sends it. */
export function roleChunk(meta: ChatTurnMeta): Record<string, unknown> {
  return chunk(meta, { role: 'assistant', content: '' });
}

export function contentChunk(meta: ChatTurnMeta, text: string): Record<string, unknown> {
  return chunk(meta, { content: text });
}

/**
 * The chunks that close a stream: the calls the client runs (whole, one delta each, with their index),
 * the finish reason, then the usage chunk (empty choices) when the client asked for it.
 */
export function closingChunks(result: ChatTurnResult): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (result.toolCalls.length > 0) {
    out.push(chunk(result, { tool_calls: result.toolCalls.map((call: ChatToolCall, index) => ({ index, ...call })) }));
  }
  out.push({ ...chunk(result, {}, result.finishReason), ...extension(result) });
  if (result.includeUsage) {
    out.push({
      id: result.id,
      object: 'chat.completion.chunk',
      created: result.created,
      model: result.model,
      choices: [],
      usage: result.usage,
    });
  }
  return out;
}
