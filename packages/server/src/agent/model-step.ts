import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/gateway-error.js';
import { isRecord, listOf } from '../plugins/json-value.js';
import type { ChatToolCall, ChatUsage, ModelStep } from './chat-types.js';

/** The provider answered something that is not a chat completion; the message names the provider, never its key. */
export function notACompletion(provider: string, status: number, why: string): GatewayError {
  return new GatewayError('MODEL_PROVIDER_ERROR', {
    message: `Model provider "${provider}" answered HTTP ${status} with ${why}. Try again; if it persists, an administrator should check the provider.`,
    details: { provider, status },
    reason: `provider ${provider}: ${why}`,
  });
}

/** A model step from a non-streamed `chat.completion` body. */
export function stepFromCompletion(json: unknown, status: number, provider: string): ModelStep {
  if (!isRecord(json)) throw notACompletion(provider, status, 'a body that is not a JSON object');
  const choice = listOf(json['choices'])?.[0];
  if (!isRecord(choice)) throw notACompletion(provider, status, 'no choices');
  const message = choice['message'];
  if (!isRecord(message)) throw notACompletion(provider, status, 'a choice without a message');
  return {
    id: stringOr(json['id']),
    model: stringOr(json['model']),
    content: typeof message['content'] === 'string' ? message['content'] : null,
    toolCalls: (listOf(message['tool_calls']) ?? []).map(toolCallFrom),
    finishReason: stringOr(choice['finish_reason']) ?? null,
    usage: usageFrom(json['usage']),
    status,
  };
}

function toolCallFrom(raw: unknown): ChatToolCall {
  const call = isRecord(raw) ? raw : {};
  const fn = isRecord(call['function']) ? call['function'] : {};
  const args = fn['arguments'];
  return {
    // A call without an id cannot be answered with a tool message; give it one so the conversation stays valid.
    id: stringOr(call['id']) || newToolCallId(),
    type: 'function',
    function: {
      name: stringOr(fn['name']) ?? '',
      // Some OpenAI-compatible servers send arguments as an object rather than JSON text.
      arguments: typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args),
    },
  };
}

export function usageFrom(raw: unknown): ChatUsage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = numberOr(raw['prompt_tokens']);
  const completion = numberOr(raw['completion_tokens']);
  const total = numberOr(raw['total_tokens']) || prompt + completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
}

export function newToolCallId(): string {
  return `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOr(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Accumulates `chat.completion.chunk` events into one step, as the OpenAI streaming format specifies. */
export class StreamedStep {
  private id: string | undefined;
  private model: string | undefined;
  private readonly content: string[] = [];
  private readonly calls = new Map<number, { id: string; name: string; args: string }>();
  private finishReason: string | null = null;
  private usage: ChatUsage | undefined;
  private sawChoice = false;

  constructor(private readonly provider: string) {}

  /** Takes one chunk; returns the text it adds to the answer, if any. */
  accept(chunk: unknown, status: number): string | undefined {
    if (!isRecord(chunk)) throw notACompletion(this.provider, status, 'a stream event that is not a JSON object');
    if (isRecord(chunk['error'])) {
      const code = stringOr(chunk['error']['code']) ?? stringOr(chunk['error']['type']) ?? 'unknown';
      throw notACompletion(this.provider, status, `an error event in its stream (${safeCode(code)})`);
    }
    this.id ??= stringOr(chunk['id']);
    this.model ??= stringOr(chunk['model']);
    this.usage = usageFrom(chunk['usage']) ?? this.usage;
    const choice = listOf(chunk['choices'])?.[0];
    if (!isRecord(choice)) return undefined;
    this.sawChoice = true;
    this.finishReason = stringOr(choice['finish_reason']) ?? this.finishReason;
    const delta = isRecord(choice['delta']) ? choice['delta'] : {};
    for (const raw of listOf(delta['tool_calls']) ?? []) this.addToolCallDelta(raw);
    const text = delta['content'];
    if (typeof text !== 'string' || text === '') return undefined;
    this.content.push(text);
    return text;
  }

  private addToolCallDelta(raw: unknown): void {
    if (!isRecord(raw)) return;
    const index = typeof raw['index'] === 'number' ? raw['index'] : this.calls.size;
    const fn = isRecord(raw['function']) ? raw['function'] : {};
    const call = this.calls.get(index) ?? { id: '', name: '', args: '' };
    call.id ||= stringOr(raw['id']) ?? '';
    call.name += stringOr(fn['name']) ?? '';
    call.args += stringOr(fn['arguments']) ?? '';
    this.calls.set(index, call);
  }

  get finished(): boolean {
    return this.finishReason !== null;
  }

  result(status: number): ModelStep {
    if (!this.sawChoice) throw notACompletion(this.provider, status, 'a stream without any choice');
    const toolCalls = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]): ChatToolCall => ({ id: c.id || newToolCallId(), type: 'function', function: { name: c.name, arguments: c.args } }));
    return {
      id: this.id,
      model: this.model,
      content: this.content.length > 0 ? this.content.join('') : null,
      toolCalls,
      finishReason: this.finishReason,
      usage: this.usage,
      status,
    };
  }
}

/** Provider error codes are shown only when they look like codes, so a provider's free text never leaks through. */
export function safeCode(code: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'unrecognised code';
}
