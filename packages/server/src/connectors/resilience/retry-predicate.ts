import { GatewayError } from '../../core/gateway-error.js';
import type { HttpMethod, Tool } from '../../core/tool.js';

/** Methods HTTP defines as idempotent: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Upstream statuses that say "try again" rather than "your request is wrong". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** A tool may be sent again only when a duplicate cannot do harm: a read, or an idempotent HTTP method. */
export function isSafeToRetry(tool: Tool): boolean {
  if (tool.riskTier === 'read') return true;
  return tool.binding.kind === 'http' && IDEMPOTENT_METHODS.has(tool.binding.method);
}

/**
 * Failures where another attempt may succeed. A 500 or an unknown server error is not retried:
 * it usually means the request itself breaks the upstream, and repeating it only adds load.
 */
export function isRetryableFailure(err: unknown): boolean {
  if (!(err instanceof GatewayError)) return false;
  if (err.code === 'UPSTREAM_UNREACHABLE' || err.code === 'UPSTREAM_TIMEOUT') return true;
  if (err.code !== 'UPSTREAM_ERROR') return false;
  const status = err.upstreamStatus;
  return status !== undefined && RETRYABLE_STATUSES.has(status);
}

/**
 * What counts against a plugin's breaker: the upstream failed, not the caller's request or the tool's own
 * answer. A refused redirect is the egress policy at work, not an outage: opening the circuit on it would
 * turn the refusal into UPSTREAM_CIRCUIT_OPEN, which a fallback may answer.
 */
export function isBreakerFailure(err: unknown): boolean {
  return err instanceof GatewayError && err.code.startsWith('UPSTREAM_') && err.code !== 'UPSTREAM_REDIRECT';
}
