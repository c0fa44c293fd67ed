import { GatewayError } from '../../core/gateway-error.js';
import type { AdmittedCall, AuthorizedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/** Rate buckets and daily quotas; runs after authorization so unauthorized probing cannot drain a caller's budget. */
export async function rateLimit(deps: PipelineDeps, call: AuthorizedCall): Promise<AdmittedCall> {
  const verdict = await deps.rateLimiter.consume({
    principalId: call.principal.id,
    toolName: call.tool.name,
    pluginName: call.tool.pluginName,
  });
  if (verdict.allowed) return { ...call, rateLimitRemaining: verdict.remaining };
  const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  if (verdict.limit === 'store_unavailable') {
    // Fail closed: a call the limits cannot be checked for is refused, under its own code so neither the caller nor
    // an operator mistakes an outage of the store for a caller who used up a limit.
    throw new GatewayError('RATE_LIMIT_UNAVAILABLE', { retryAfterSeconds, details: { retryAfterSeconds }, reason: verdict.reason });
  }
  const details = { limit: verdict.limit, retryAfterSeconds };
  throw new GatewayError(verdict.limit === 'daily_quota' ? 'QUOTA_EXCEEDED' : 'RATE_LIMITED', {
    retryAfterSeconds,
    details,
    reason: `${verdict.limit} limit exhausted, retry in ${verdict.retryAfterMs} ms`,
  });
}
