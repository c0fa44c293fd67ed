import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import { listTools } from '../pipeline/list-tools.js';
import { authenticate } from '../pipeline/stages/authenticate.js';
import type { McpSessionRecord } from '../ports/mcp-session-store.js';
import { requestCredential } from '../http/request-credential.js';
import { endpointTools } from './endpoint-tools.js';
import { mcpErrorHandler } from './mcp-error-reply.js';
import { auditRefusedToolCall } from './refused-call-audit.js';
import { ListChangedStreams } from './list-changed-streams.js';
import type { McpServices } from './mcp-services.js';
import { corsHeaders, originAllowed, PREFLIGHT_HEADERS } from './origin-policy.js';
import { answerPlainToolCall, asPlainToolCall } from './plain-tool-call.js';
import { buildRequestServer, labelledInstructions } from './request-server.js';
import { McpSessionGate, type SessionClient } from './session-gate.js';

const PLUGIN_NAME = /^[a-z][a-z0-9_]{0,23}$/;
const ROUTES = ['/mcp', '/mcp/:plugin'] as const;

interface Admitted {
  readonly scope: string;
  readonly credential: string | null;
  readonly principal: Principal;
  readonly session: McpSessionRecord | undefined;
}

/** A JSON-RPC error body with no id, as the SDK transport answers transport-level problems. */
function jsonRpcError(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
}

function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && /^application\/json\s*(;|$)/i.test(header);
}

/**
 * The MCP server surface: Streamable HTTP on `/mcp` (every tool the caller may use) and `/mcp/{plugin}`
 * (one plugin's tools under their own names). Each POST is served by a fresh stateless SDK transport;
 * sessions are rows in the session store, and GET opens the session's notification stream.
 */
export function mcpRoutes(services: McpServices): (app: FastifyInstance) => void {
  return (app) => {
    const gate = new McpSessionGate({
      sessions: services.sessions,
      audit: services.pipeline.audit,
      clock: services.pipeline.clock,
      environment: services.pipeline.settings.environment,
      sessionTtlSeconds: services.settings.sessionTtlSeconds,
    });
    const streams = new ListChangedStreams(services, gate);
    // Open SSE streams would keep the HTTP server from closing: end them first.
    app.addHook('preClose', async () => streams.closeAll());

    const admit = async (req: FastifyRequest<{ Params: { plugin?: string } }>): Promise<Admitted> => {
      const origin = req.headers.origin;
      // Checked before credentials: a browser page on a foreign origin gets nothing, whatever it sends.
      if (!originAllowed(origin, services.settings.allowedOrigins, req.headers.host)) {
        throw new GatewayError('ORIGIN_FORBIDDEN', { reason: `origin ${String(origin)} is not in mcp.allowedOrigins` });
      }
      const scope = req.params.plugin ?? '';
      if (scope !== '' && !PLUGIN_NAME.test(scope)) {
        throw new GatewayError('NOT_FOUND', { message: `No plugin endpoint /mcp/${scope}: plugin names are lower case, digits and _.` });
      }
      const credential = requestCredential(req);
      const request = { credential, toolName: '', args: undefined, surface: 'mcp' as const, requestId: req.id };
      const { principal } = await authenticate(services.pipeline, request);
      const presented = req.headers['mcp-session-id'];
      const session = presented === undefined ? undefined : await gate.check(String(presented), principal, scope, req.id);
      return { scope, credential, principal, session };
    };

    void app.register(async (mcp) => {
      // Bodies are read as text here so that bad JSON gets a JSON-RPC parse error, as MCP clients expect.
      // Refusals on /mcp answer in JSON-RPC, like the transport's own; REST routes keep the REST error body.
      mcp.setErrorHandler(mcpErrorHandler);
      mcp.removeAllContentTypeParsers();
      mcp.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      mcp.addHook('onRequest', async (req, reply) => {
        const origin = req.headers.origin;
        // On the raw response, so hijacked (streamed) answers carry them too.
        if (origin !== undefined && originAllowed(origin, services.settings.allowedOrigins, req.headers.host)) {
          for (const [name, value] of Object.entries(corsHeaders(origin))) reply.raw.setHeader(name, value);
        }
        reply.raw.setHeader('x-request-id', req.id);
      });

      for (const url of ROUTES) {
        mcp.options<{ Params: { plugin?: string } }>(url, async (req, reply) => {
          if (req.headers.origin === undefined || !originAllowed(req.headers.origin, services.settings.allowedOrigins, req.headers.host)) {
            throw new GatewayError('ORIGIN_FORBIDDEN', { reason: `preflight from origin ${String(req.headers.origin)}` });
          }
          return reply.code(204).headers(PREFLIGHT_HEADERS).send();
        });

        mcp.post<{ Params: { plugin?: string } }>(url, async (req, reply) => {
          let admitted: Admitted;
          try {
            admitted = await admit(req);
          } catch (err) {
            if (err instanceof GatewayError) {
              const request = { body: req.body, credential: requestCredential(req), requestId: req.id, scope: req.params.plugin ?? '' };
              await auditRefusedToolCall(services.pipeline, request, err);
            }
            throw err;
          }
          await servePost(req, reply, admitted);
        });

        // No automatic HEAD route: a HEAD must not open a stream.
        mcp.get<{ Params: { plugin?: string } }>(url, { exposeHeadRoute: false }, async (req, reply) => {
          const { scope, credential, session } = await admit(req);
          if (session === undefined) {
            // Sessionless (2026-07-28 style) clients have no stream to attach to; 405 is the spec's "no stream here".
            return reply
              .code(405)
              .header('allow', 'POST, DELETE')
              .type('application/json')
              .send(jsonRpcError(-32000, 'Method not allowed: GET opens the notification stream of a session; send Mcp-Session-Id.'));
          }
          if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
            return reply.code(406).type('application/json').send(jsonRpcError(-32000, 'Not Acceptable: accept text/event-stream.'));
          }
          const snapshot = await streams.snapshot(credential, scope, req.id);
          reply.hijack();
          streams.open(session, credential, snapshot, reply.raw, req.id);
        });

        mcp.delete<{ Params: { plugin?: string } }>(url, async (req, reply) => {
          const { principal, session } = await admit(req);
          if (session === undefined) {
            throw new GatewayError('BAD_REQUEST', { message: 'Send the Mcp-Session-Id header of the session to end.' });
          }
          await gate.end(session, principal, req.id);
          streams.closeSession(session.idHash);
          return reply.code(204).send();
        });
      }
    });

    /** Hands the message to a fresh stateless SDK transport; an initialize first gets a stored session. */
    const servePost = async (req: FastifyRequest, reply: FastifyReply, admitted: Admitted): Promise<void> => {
      const raw = typeof req.body === 'string' ? req.body : '';
      const jsonBody = isJsonContentType(req.headers['content-type']);
      let message: unknown = raw;
      if (jsonBody) {
        try {
          message = JSON.parse(raw);
        } catch {
          return void reply.code(400).type('application/json').send(jsonRpcError(-32700, 'Parse error: Invalid JSON'));
        }
      }
      const ctx = { services, credential: admitted.credential, requestId: req.id, sourceIp: req.ip, scope: admitted.scope };
      const plain = jsonBody ? asPlainToolCall(message, req.headers) : undefined;
      if (plain !== undefined) {
        reply.hijack();
        return answerPlainToolCall(ctx, plain, reply.raw);
      }
      let sessionId: string | undefined;
      let instructions: string | undefined;
      const accept = String(req.headers.accept ?? '');
      // Only a request the transport will accept opens a session (it checks Accept and Content-Type first).
      if (jsonBody && accept.includes('application/json') && accept.includes('text/event-stream') && isInitializeRequest(message)) {
        sessionId = await gate.open(admitted.principal, admitted.scope, sessionClient(message.params), req.id);
        if (admitted.scope !== '') instructions = await pluginInstructions(ctx);
      }
      const server = buildRequestServer(ctx, instructions);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      reply.hijack();
      if (sessionId !== undefined) reply.raw.setHeader('mcp-session-id', sessionId);
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(req.raw, reply.raw, message);
      } catch (err) {
        req.log.error({ err, requestId: req.id }, 'MCP request failed in the transport');
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(reply.raw.headersSent ? undefined : jsonRpcError(-32603, 'Internal error'));
      }
    };

    /** The plugin's instructions, only for a caller who may see at least one of its tools. */
    const pluginInstructions = async (ctx: { credential: string | null; requestId: string; scope: string }) => {
      const { entries } = await listTools(services.pipeline, { credential: ctx.credential, surface: 'mcp', requestId: ctx.requestId });
      const first = endpointTools(entries, ctx.scope)[0];
      const text = first?.entry.plugin.instructions;
      return text === undefined || text.trim() === '' ? undefined : labelledInstructions(ctx.scope, text);
    };
  };
}

function sessionClient(params: { protocolVersion: string; clientInfo: { name: string; version: string } }): SessionClient {
  const requested = params.protocolVersion;
  return {
    // What the SDK server will answer: the client's version when supported, else the latest.
    protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION,
    clientName: params.clientInfo.name.slice(0, 200),
    clientVersion: params.clientInfo.version.slice(0, 100),
  };
}
