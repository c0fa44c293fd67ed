import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApprovalPendingResponse, ApprovalStatusName } from '@toolgate/contract';
import { GatewayError } from '../../core/gateway-error.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` header: a retried invoke that needs approval maps to the same approval request.
 * A malformed key is refused (through the pipeline, so it is audited), not silently ignored.
 */
export function idempotencyKeyOf(req: FastifyRequest): { key?: string; rejected?: GatewayError } {
  const given = req.headers['idempotency-key'];
  if (given === undefined) return {};
  if (typeof given === 'string' && IDEMPOTENCY_KEY.test(given)) return { key: given };
  return {
    rejected: new GatewayError('BAD_REQUEST', {
      message: 'The Idempotency-Key header must be 1-255 visible ASCII characters, sent once.',
      details: { path: 'headers/idempotency-key' },
    }),
  };
}

/**
 * A call that waits for approval is accepted, not failed: 202 with the approval's id and status URL (also
 * in `Location`). Any other error is rethrown to the error handler.
 */
export function approvalPendingReply(reply: FastifyReply, thrown: unknown): ApprovalPendingResponse {
  if (!(thrown instanceof GatewayError) || thrown.code !== 'APPROVAL_PENDING') throw thrown;
  const d = thrown.details ?? {};
  const text = (key: string): string => (typeof d[key] === 'string' ? d[key] : '');
  void reply.code(202).header('location', text('statusUrl'));
  return {
    approvalId: text('approvalId'),
    status: text('status') as ApprovalStatusName,
    statusUrl: text('statusUrl'),
    expiresAt: text('expiresAt'),
    tool: text('tool'),
    message: thrown.message,
  };
}
