import type { FastifyReply } from 'fastify';
import { closingChunks, contentChunk, roleChunk } from '../../agent/chat-completion-format.js';
import type { ChatTurnMeta, ChatTurnObserver, ChatTurnResult } from '../../agent/chat-turn.js';
import { ERRORS } from '../../core/errors.js';
import type { GatewayError } from '../../core/gateway-error.js';

/**
 * A chat turn as server-sent events. The stream starts at the first thing worth sending, so an error
 * before that (bad request, unknown model, a provider that fails on the first step) is still an
 * ordinary JSON error with its HTTP status; after that, errors become an SSE error event.
 */
export class ChatEventStream {
  private meta: ChatTurnMeta | undefined;
  private begun = false;

  constructor(
    private readonly reply: FastifyReply,
    /** `X-Toolgate-Events: true`: also send `event: toolgate.tool_call` events (for `toolgate chat`). */
    private readonly toolEvents: boolean,
  ) {}

  get started(): boolean {
    return this.begun;
  }

  readonly observer: ChatTurnObserver = {
    onStart: (meta) => {
      this.meta = meta;
    },
    onContent: (text) => {
      if (!this.meta) return;
      this.begin(this.meta);
      this.send(contentChunk(this.meta, text));
    },
    onToolEvent: (event) => {
      if (!this.toolEvents || !this.meta) return;
      this.begin(this.meta);
      this.write(`event: toolgate.tool_call\ndata: ${JSON.stringify(event)}\n\n`);
    },
  };

  finish(result: ChatTurnResult): void {
    this.begin(result);
    for (const chunk of closingChunks(result)) this.send(chunk);
    this.write('data: [DONE]\n\n');
    this.reply.raw.end();
  }

  fail(err: GatewayError, requestId: string): void {
    const error = { code: err.code, message: err.message, requestId, retryable: ERRORS[err.code].retryable };
    this.write(`data: ${JSON.stringify({ error })}\n\n`);
    this.reply.raw.end();
  }

  private begin(meta: ChatTurnMeta): void {
    if (this.begun) return;
    this.begun = true;
    // From here on Fastify no longer answers for us: the handler owns the raw response.
    this.reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(this.reply.getHeaders())) if (value !== undefined) headers[name] = value;
    this.reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    this.send(roleChunk(meta));
  }

  private send(chunk: Record<string, unknown>): void {
    this.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  private write(text: string): void {
    // A caller that went away aborts the turn; until it notices, writes go nowhere.
    if (this.reply.raw.destroyed || this.reply.raw.writableEnded) return;
    this.reply.raw.write(text);
  }
}
