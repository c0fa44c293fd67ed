import type { FastifyInstance, FastifyRequest } from 'fastify';
import { chatCompletionBody } from '../../agent/chat-completion-format.js';
import { runChatTurn, type ChatTurnInput } from '../../agent/chat-turn.js';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import { authenticate } from '../../pipeline/stages/authenticate.js';
import type { HttpServices } from '../http-services.js';
import { requestCredential } from '../request-credential.js';
import { ChatEventStream } from './chat-event-stream.js';

export const CHAT_ROUTE = '/v1/chat/completions';

/** The OpenAI-compatible chat surface: the model suggests tool calls, the gateway runs them through the pipeline. */
export function registerChatRoutes(app: FastifyInstance, services: HttpServices): void {
  app.get('/v1/models', async (req) => {
    await authenticate(services.pipeline, {
      credential: requestCredential(req),
      toolName: '',
      args: undefined,
      surface: 'chat',
      requestId: req.id,
    });
    const data = services.chat.models
      .listModels()
      .map(({ model, provider }) => ({ id: model, object: 'model', created: 0, owned_by: provider }));
    return { object: 'list', data };
  });

  app.post(CHAT_ROUTE, async (req, reply) => {
    const caller = new AbortController();
    // 'close' before the answer was written means the caller went away: stop calling the model for it.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) caller.abort();
    });
    const input: ChatTurnInput = {
      credential: requestCredential(req),
      body: req.body,
      requestId: req.id,
      sourceIp: req.ip,
      executionHeader: header(req, 'x-toolgate-tool-execution'),
      signal: caller.signal,
    };
    const stream = wantsStream(req.body) ? new ChatEventStream(reply, header(req, 'x-toolgate-events') === 'true') : undefined;
    try {
      const result = await runChatTurn(services.chat, input, stream?.observer);
      if (!stream) return chatCompletionBody(result);
      stream.finish(result);
    } catch (err) {
      if (caller.signal.aborted) {
        // Nobody is listening any more; the turn is already audited as disconnected.
        if (!stream?.started) reply.hijack();
        reply.raw.destroy();
      } else if (stream?.started) {
        stream.fail(toGatewayError(err), req.id);
      } else {
        throw err;
      }
    }
    return reply;
  });
}

/**
 * Audits a chat request whose body the framework refused before the handler ran, as a turn that did not run
 * (a `chat` event with the error code). Returns the error to answer: the caller's authentication error when
 * there is one, as on every other path, else `rejected`.
 */
export async function auditRefusedChat(services: HttpServices, req: FastifyRequest, rejected: GatewayError): Promise<GatewayError> {
  try {
    await runChatTurn(services.chat, {
      credential: requestCredential(req),
      body: undefined,
      requestId: req.id,
      executionHeader: undefined,
      signal: new AbortController().signal,
      rejected,
    });
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  return rejected;
}

function wantsStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
}
