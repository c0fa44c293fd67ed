import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The one scripted component of the test suite (DESIGN.md §7): a real OpenAI-compatible HTTP server
 * on loopback that answers `POST /v1/chat/completions` from a queue of scripted replies, as JSON or
 * as SSE when the request says `stream: true`, and records every request it received.
 */

export interface ScriptedToolCall {
  /** Default: `call_<n>`. */
  readonly id?: string;
  readonly name: string;
  /** An object is sent as JSON text; a string is sent as it is (use it for malformed arguments). */
  readonly arguments: string | Record<string, unknown>;
}

export interface ScriptedReply {
  readonly content?: string | null;
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  readonly finishReason?: string;
  /** Default: 10 prompt + 5 completion tokens. */
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number; readonly total_tokens?: number };
  /** Wait this long before answering (to provoke a provider timeout). */
  readonly delayMs?: number;
  /** Answer this HTTP status with `body` (default: an OpenAI-style error body) instead of a completion. */
  readonly status?: number;
  /** With `status`: the error body. Without: this JSON replaces the whole completion (e.g. `{choices: []}`). */
  readonly body?: unknown;
  /** Send this text as the body, as it is (e.g. something that is not JSON). */
  readonly rawBody?: string;
  readonly contentType?: string;
  /** Streaming: characters of content (and of tool arguments) per chunk. Default 4. */
  readonly streamChunkSize?: number;
  /** Streaming: drop the connection after this many events, without finishing the stream. */
  readonly cutStreamAfter?: number;
}

export interface RecordedModelRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  // Tests inspect arbitrary JSON; `any` is confined to this test helper.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** A reply, or a function that picks one from the request (for replies that depend on what was sent). */
export type ScriptStep = ScriptedReply | ((request: RecordedModelRequest) => ScriptedReply);

export interface ScriptedModelServer {
  /** OpenAI base URL, ending in `/v1`. */
  readonly url: string;
  /** Every request received, oldest first (chat completions and model listings). */
  readonly requests: RecordedModelRequest[];
  /** The chat-completion requests only. */
  chatRequests(): RecordedModelRequest[];
  /** Adds replies to the end of the script; each chat request takes the next one. */
  enqueue(...steps: ScriptStep[]): void;
  /** Replies not used yet. */
  pending(): number;
  /** Forgets the script and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const EXHAUSTED: ScriptedReply = {
  status: 500,
  body: { error: { message: 'scripted model server: the script has no reply left', type: 'server_error', code: 'script_exhausted' } },
};

export async function startScriptedModelServer(opts: { models?: readonly string[] } = {}): Promise<ScriptedModelServer> {
  const script: ScriptStep[] = [];
  const requests: RecordedModelRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let served = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // recorded as text
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const recorded: RecordedModelRequest = { method: req.method ?? 'GET', path, headers, body };
    requests.push(recorded);
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (opts.models ?? []).map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') return sendJson(res, 404, { error: { message: `no route ${path}` } });
    const step = script.shift() ?? EXHAUSTED;
    const reply = typeof step === 'function' ? step(recorded) : step;
    served += 1;
    if (reply.delayMs !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, reply.delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    answer(res, reply, recorded, served);
  }

  return {
    url: await listen(server),
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    enqueue: (...steps) => void script.push(...steps),
    pending: () => script.length,
    reset: () => {
      script.length = 0;
      requests.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(res: ServerResponse, reply: ScriptedReply, request: RecordedModelRequest, n: number): void {
  if (reply.rawBody !== undefined) {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/plain' });
    res.end(reply.rawBody);
    return;
  }
  if (reply.status !== undefined) {
    sendJson(res, reply.status, reply.body ?? { error: { message: `scripted HTTP ${reply.status}`, type: 'server_error', code: null } });
    return;
  }
  if (reply.body !== undefined) return sendJson(res, 200, reply.body);
  const model = typeof request.body?.model === 'string' ? request.body.model : 'scripted';
  const toolCalls = (reply.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${n}_${i}`,
    type: 'function' as const,
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
  }));
  const finishReason = reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const u = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
  const usage = {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens,
  };
  const id = `chatcmpl-scripted-${n}`;
  const created = Math.floor(Date.now() / 1000);
  const content = reply.content === undefined ? (toolCalls.length > 0 ? null : '') : reply.content;
  if (request.body?.stream !== true) {
    const message = { role: 'assistant', content, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage,
    });
    return;
  }
  const size = Math.max(1, reply.streamChunkSize ?? 4);
  const events: unknown[] = [];
  const chunk = (delta: unknown, finish: string | null = null): unknown => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  events.push(chunk({ role: 'assistant', content: '' }));
  for (const piece of pieces(content ?? '', size)) events.push(chunk({ content: piece }));
  toolCalls.forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    for (const piece of pieces(call.function.arguments, size))
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, finishReason));
  if (request.body?.stream_options?.include_usage === true)
    events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  for (const event of events) {
    if (reply.cutStreamAfter !== undefined && sent >= reply.cutStreamAfter) {
      // Let what was written reach the client first, then drop the connection mid-stream.
      res.write('', () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    sent += 1;
  }
  res.end('data: [DONE]\n\n');
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}
