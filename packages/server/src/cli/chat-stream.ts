import { CliError } from './gateway-client.js';

/** One tool call as the gateway reports it while a chat turn runs (`event: toolgate.tool_call`). */
export interface ToolCallEvent {
  readonly phase: 'started' | 'finished';
  readonly callId?: string;
  readonly tool: string;
  readonly arguments?: unknown;
  readonly decision?: 'allow' | 'deny' | 'approval_required';
  readonly errorCode?: string;
  readonly latencyMs?: number;
}

export interface ChatTurnHandlers {
  onText(text: string): void;
  onToolCall(event: ToolCallEvent): void;
}

export interface ChatTurnResult {
  readonly text: string;
  readonly finishReason: string | null;
}

/**
 * Runs one streamed chat turn against `POST /v1/chat/completions` with tool events on, and hands text
 * and tool calls to the handlers as they arrive. Errors (before or during the stream) become CliErrors
 * carrying the gateway's code and message.
 */
export async function streamChatTurn(
  opts: { url: string; key: string; model: string; messages: readonly unknown[] },
  handlers: ChatTurnHandlers,
): Promise<ChatTurnResult> {
  let res: Response;
  try {
    res = await fetch(new URL('/v1/chat/completions', opts.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${opts.key}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-toolgate-events': 'true',
      },
      body: JSON.stringify({ model: opts.model, messages: opts.messages, stream: true }),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new CliError(`Cannot reach the gateway at ${opts.url} (${cause}). Start it with "toolgate serve" or set TOOLGATE_URL.`);
  }
  if (!res.ok || res.body === null) throw errorFromBody(await res.text(), res.status);

  let text = '';
  let finishReason: string | null = null;
  for await (const { event, data } of readServerSentEvents(res.body)) {
    if (data === '[DONE]') break;
    const parsed = parseJson(data);
    if (event === 'toolgate.tool_call') {
      handlers.onToolCall(parsed as ToolCallEvent);
      continue;
    }
    const error = (parsed as { error?: unknown } | undefined)?.error;
    if (error !== undefined) throw errorFromBody(data, res.status);
    const choice = (parsed as { choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[] } | undefined)?.choices?.[0];
    const delta = choice?.delta?.content;
    if (typeof delta === 'string' && delta !== '') {
      text += delta;
      handlers.onText(delta);
    }
    if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
  }
  return { text, finishReason };
}

/** Minimal SSE reader (event + data lines, blank line ends an event); the gateway writes nothing fancier. */
async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = 'message';
        data = [];
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  if (data.length > 0) yield { event, data: data.join('\n') };
}

function errorFromBody(text: string, status: number): CliError {
  const error = (parseJson(text) as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') return new CliError(`${error.code}: ${error.message}`);
  return new CliError(`HTTP ${status}: ${text.slice(0, 500)}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
