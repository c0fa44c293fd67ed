import { ERRORS, type ErrorCode } from './errors.js';

/**
 * The only way a stage stops a call. Anything else thrown is a bug and becomes INTERNAL (fail closed).
 * `message` is safe to show callers; `details` names the offending field; `reason` is for the audit log only.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** Internal, audit-only explanation (never sent to callers). */
  readonly reason: string | undefined;
  /** Seconds after which a retry may succeed (RATE_LIMITED). */
  readonly retryAfterSeconds: number | undefined;
  /** How many times the call was sent upstream before it failed, when the resilient executor retried it. */
  readonly attempts: number | undefined;

  constructor(
    code: ErrorCode,
    opts: { message?: string; details?: Record<string, unknown>; reason?: string; retryAfterSeconds?: number; attempts?: number } = {},
  ) {
    super(opts.message ?? ERRORS[code].message);
    this.name = 'GatewayError';
    this.code = code;
    this.details = opts.details;
    this.reason = opts.reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.attempts = opts.attempts;
  }

  get httpStatus(): number {
    return ERRORS[this.code].http;
  }

  /** The status the upstream answered, when the error carries one (`details.status`, e.g. UPSTREAM_ERROR). */
  get upstreamStatus(): number | undefined {
    const status = this.details?.['status'];
    return typeof status === 'number' ? status : undefined;
  }
}

/** Converts any thrown value into a GatewayError; unknown values become INTERNAL. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : `non-error thrown: ${String(err)}`;
  return new GatewayError('INTERNAL', { reason });
}
