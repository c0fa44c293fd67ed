import type { ReadableStreamReadResult } from 'node:stream/web';
import { GatewayError } from '../core/gateway-error.js';
import { isRecord } from '../plugins/json-value.js';
import type { ModelStep } from './chat-types.js';
import type { ModelProvider } from './model-router.js';
import { notACompletion, safeCode, stepFromCompletion, StreamedStep } from './model-step.js';

/** Most bytes read from one provider answer (memory safety; a real completion is far smaller). */
const MAX_ANSWER_BYTES = 16_000_000;
const MAX_ERROR_BYTES = 64_000;

export interface ModelStepRequest {
  readonly body: Record<string, unknown>;
  /** Ask the provider to stream, and report the answer's text as it arrives. */
  readonly stream: boolean;
  readonly onContent?: (text: string) => void;
  /** Aborts the request when the caller goes away. */
  readonly signal: AbortSignal;
}

/**
 * One model step against an OpenAI-compatible provider. `timeoutMs` bounds the wait for the answer and,
 * when streaming, each pause between events, so a long answer that keeps flowing is not cut.
 */
export async function callModel(provider: ModelProvider, req: ModelStepRequest): Promise<ModelStep> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const rearm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, provider.timeoutMs);
  };
  const onCallerGone = (): void => controller.abort();
  // A caller gone while a tool ran aborted before this step began: the listener alone would never fire.
  if (req.signal.aborted) controller.abort();
  req.signal.addEventListener('abort', onCallerGone, { once: true });
  rearm();
  try {
    const res = await fetch(`${provider.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: provider.requestHeaders(),
      body: JSON.stringify(req.stream ? { ...req.body, stream: true, stream_options: { include_usage: true } } : req.body),
      signal: controller.signal,
      redirect: 'error',
    });
    if (res.status >= 400) throw httpError(provider.name, res.status, await readText(provider.name, res, MAX_ERROR_BYTES, rearm));
    if (req.stream && (res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      return await readStream(provider.name, res, rearm, req.onContent);
    }
    // A provider may answer JSON even when asked to stream; the step is the same.
    const text = await readText(provider.name, res, MAX_ANSWER_BYTES, rearm);
    const step = stepFromCompletion(parseJson(text, provider.name, res.status), res.status, provider.name);
    if (step.content !== null) req.onContent?.(step.content);
    return step;
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (timedOut) {
      throw new GatewayError('MODEL_PROVIDER_TIMEOUT', {
        message: `Model provider "${provider.name}" did not answer within ${provider.timeoutMs} ms. Try again, or ask an administrator to raise its timeoutMs.`,
        details: { provider: provider.name, timeoutMs: provider.timeoutMs },
        reason: `provider ${provider.name}: no answer within ${provider.timeoutMs} ms`,
      });
    }
    if (req.signal.aborted) throw err;
    throw new GatewayError('MODEL_PROVIDER_ERROR', {
      message: `Model provider "${provider.name}" could not be reached. Try again; if it persists, an administrator should check the provider.`,
      details: { provider: provider.name },
      reason: `provider ${provider.name} unreachable: ${describeCause(err)}`,
    });
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', onCallerGone);
  }
}

function httpError(provider: string, status: number, body: string): GatewayError {
  // Only a code-like field of the provider's error is kept: some providers echo part of the key in the message.
  let code: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const error = isRecord(parsed) && isRecord(parsed['error']) ? parsed['error'] : undefined;
    const raw = error?.['code'] ?? error?.['type'];
    if (typeof raw === 'string') code = safeCode(raw);
  } catch {
    // not JSON: nothing to keep
  }
  return new GatewayError('MODEL_PROVIDER_ERROR', {
    message: `Model provider "${provider}" answered HTTP ${status}${code ? ` (${code})` : ''}. Try again; if it persists, an administrator should check the provider.`,
    details: { provider, status, ...(code ? { providerCode: code } : {}) },
    reason: `provider ${provider} answered HTTP ${status}${code ? ` ${code}` : ''}`,
  });
}

function parseJson(text: string, provider: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notACompletion(provider, status, 'a body that is not JSON');
  }
}

async function readText(provider: string, res: Response, maxBytes: number, onActivity: () => void): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of chunks(res)) {
    onActivity();
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw notACompletion(provider, res.status, `more than ${maxBytes} bytes`);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

async function readStream(provider: string, res: Response, onActivity: () => void, onContent?: (text: string) => void): Promise<ModelStep> {
  const step = new StreamedStep(provider);
  const decoder = new TextDecoder();
  let buffer = '';
  let bytes = 0;
  let done = false;
  for await (const chunk of chunks(res)) {
    onActivity();
    bytes += chunk.byteLength;
    if (bytes > MAX_ANSWER_BYTES) throw notACompletion(provider, res.status, `a stream of more than ${MAX_ANSWER_BYTES} bytes`);
    buffer += decoder.decode(chunk, { stream: true });
    const events = buffer.split(/\r?\n\r?\n/);
    buffer = events.pop() ?? '';
    for (const event of events) {
      const data = eventData(event);
      if (data === undefined) continue;
      if (data === '[DONE]') {
        done = true;
        break;
      }
      const text = step.accept(parseJson(data, provider, res.status), res.status);
      if (text !== undefined) onContent?.(text);
    }
    if (done) break;
  }
  if (!done && !step.finished) throw notACompletion(provider, res.status, 'a stream that ended before the completion did');
  return step.result(res.status);
}

/** The `data:` lines of one SSE event, joined as the spec says; undefined for comments and data-less events. */
function eventData(event: string): string | undefined {
  const lines = event
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).replace(/^ /, ''));
  return lines.length > 0 ? lines.join('\n') : undefined;
}

async function* chunks(res: Response): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const next: ReadableStreamReadResult<Uint8Array> = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Stopping early (at [DONE], or on an error) must not leave the connection holding an unread body.
    await reader.cancel().catch(() => undefined);
  }
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${(err.cause as Error & { code?: string }).code ?? err.cause.message}` : '';
  return `${err.message}${cause}`;
}
