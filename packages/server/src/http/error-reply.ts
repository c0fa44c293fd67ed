import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '@toolgate/contract';
import { ERRORS } from '../core/errors.js';
import { GatewayError } from '../core/gateway-error.js';
import { bearerChallenge } from './bearer-challenge.js';

/** Maps a framework error (validation, parsing, size) to our error table. */
export function fromFrameworkError(err: FastifyError, bodyLimitBytes: number): GatewayError | undefined {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GatewayError('BODY_TOO_LARGE', {
      message: `The request body is larger than ${bodyLimitBytes} bytes. Send less data.`,
      details: { limitBytes: bodyLimitBytes },
      reason: 'request body over limit',
    });
  }
  if (
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    (err.statusCode === 400 && err.name === 'SyntaxError')
  ) {
    return new GatewayError('BAD_REQUEST', { message: 'The body is not valid JSON. Send a JSON object.', reason: err.message });
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new GatewayError('BAD_REQUEST', { message: 'Send the body as application/json.', reason: err.message });
  }
  if (err.validation) {
    const first = err.validation[0];
    const params: Record<string, unknown> = first?.params ?? {};
    const extra = typeof params['additionalProperty'] === 'string' ? `/${params['additionalProperty']}` : '';
    const missing = typeof params['missingProperty'] === 'string' ? `/${params['missingProperty']}` : '';
    const path = `${err.validationContext ?? 'body'}${first?.instancePath ?? ''}${extra}${missing}`;
    const problem = extra ? 'is not an accepted field' : missing ? 'is required' : (first?.message ?? 'is invalid');
    return new GatewayError('BAD_REQUEST', { message: `${path} ${problem}. Fix it and send again.`, details: { path, problem } });
  }
  return undefined;
}

/** The headers an error answer carries on every surface, whatever its body's format. */
export function setErrorHeaders(req: FastifyRequest, reply: FastifyReply, err: GatewayError): void {
  if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
  if (ERRORS[err.code].http === 401) void reply.header('www-authenticate', bearerChallenge(req, err));
}

export function sendError(req: FastifyRequest, reply: FastifyReply, err: GatewayError): FastifyReply {
  const spec = ERRORS[err.code];
  const body: ErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      requestId: req.id,
      retryable: spec.retryable,
      ...(err.details ? { details: err.details } : {}),
    },
  };
  setErrorHeaders(req, reply, err);
  return reply.code(spec.http).send(body);
}
