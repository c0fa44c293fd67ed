import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS } from '../core/errors.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { fromFrameworkError, setErrorHeaders } from '../http/error-reply.js';
import { mcpErrorMessage } from './call-tool-result.js';

/**
 * An error answered before the SDK transport sees the message (origin, credentials, session, body), in the
 * format MCP clients read: a JSON-RPC error with no id, as the SDK transport answers its own transport-level
 * problems. Status and headers (WWW-Authenticate, Retry-After) stay those of the error table, which clients
 * act on (a 404 means "start a new session", a 401 starts OAuth); our code travels in `error.data.code`.
 */
export function sendMcpError(req: FastifyRequest, reply: FastifyReply, err: GatewayError): FastifyReply {
  const spec = ERRORS[err.code];
  setErrorHeaders(req, reply, err);
  const data = { code: err.code, requestId: req.id, ...(err.details !== undefined ? { details: err.details } : {}) };
  const body = { jsonrpc: '2.0', error: { code: spec.jsonRpc, message: mcpErrorMessage(err), data }, id: null };
  return reply.code(spec.http).type('application/json').send(JSON.stringify(body));
}

/** The MCP routes' error handler: framework refusals map to the error table, anything else is INTERNAL. */
export async function mcpErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let err = error instanceof GatewayError ? error : fromFrameworkError(error, req.routeOptions.bodyLimit);
  if (err === undefined) {
    err = toGatewayError(error);
    req.log.error({ err: error, requestId: req.id }, 'unexpected error on the MCP endpoint');
  }
  return sendMcpError(req, reply, err);
}
