import type { ErrorCode } from '../../core/errors.js';
import { GatewayError } from '../../core/gateway-error.js';

/** Failures that say the plugin is down, slow or overloaded; not those that say the request or the network policy is wrong. */
const UNAVAILABLE: ReadonlySet<ErrorCode> = new Set(['UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_CIRCUIT_OPEN', 'UPSTREAM_BUSY']);

/** The code a fallback may answer for, or undefined when the failure must reach the caller as it is. */
export function fallbackCause(err: unknown): ErrorCode | undefined {
  if (!(err instanceof GatewayError)) return undefined;
  if (UNAVAILABLE.has(err.code)) return err.code;
  const status = err.upstreamStatus;
  return err.code === 'UPSTREAM_ERROR' && status !== undefined && status >= 500 ? err.code : undefined;
}
