/**
 * The parts of the OpenAI Chat Completions wire format the gateway reads or writes. Messages are
 * passed to providers as the client sent them, so only the fields the tool loop needs are typed.
 */

export interface ToolCallFunction {
  name: string;
  /** JSON text as the model produced it; may be malformed. */
  arguments: string;
}

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: ToolCallFunction;
}

/** One message of a conversation; other fields a client sent (name, refusal, audio…) are kept as they are. */
export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What one model step produced, whether it came as JSON or was assembled from a stream. */
export interface ModelStep {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly content: string | null;
  readonly toolCalls: ChatToolCall[];
  readonly finishReason: string | null;
  readonly usage: ChatUsage | undefined;
  /** HTTP status the provider answered. */
  readonly status: number;
}

export function emptyUsage(): ChatUsage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}

export function addUsage(total: ChatUsage, step: ChatUsage | undefined): void {
  if (!step) return;
  total.prompt_tokens += step.prompt_tokens;
  total.completion_tokens += step.completion_tokens;
  total.total_tokens += step.total_tokens;
}
