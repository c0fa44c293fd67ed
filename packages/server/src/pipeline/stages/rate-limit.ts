import { GatewayError } from '../../core/gateway-error.js';
import type { AdmittedCall, AuthorizedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/** Per-principal token bucket; runs after authorization so unauthorized probing cannot drain a caller's budget. */
export async function rateLimit(deps: PipelineDeps, call: AuthorizedCall): Promise<AdmittedCall> {
  const verdict = await deps.rateLimiter.consume(`principal:${call.principal.id}`);
  if (!verdict.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    throw new GatewayError('RATE_LIMITED', {
      retryAfterSeconds,
      details: { retryAfterSeconds },
      reason: `principal rate limit exhausted, retry in ${verdict.retryAfterMs} ms`,
    });
  }
  return { ...call, rateLimitRemaining: verdict.remaining };
}
