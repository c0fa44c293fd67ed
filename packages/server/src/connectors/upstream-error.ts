import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { describeErrorChain, errorChain, errorCode } from './error-chain.js';

// undici's own timers; ours is the abort signal, but a connect timeout can fire first.
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
// Codes that mean our request was malformed, i.e. a bug here rather than a problem upstream.
const OWN_BUG_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);

export interface FailureContext {
  /** The request's deadline signal: when it fired, the failure is a timeout whatever undici says. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Origin of the hop that failed (never the full URL: queries may carry credentials). */
  readonly origin: string;
}

/**
 * Maps whatever undici or the socket threw to the error table. undici and `net` wrap errors
 * (`cause`, AggregateError from happy-eyeballs), so a GatewayError raised by the guarded lookup
 * is searched for through the whole chain and returned unchanged.
 */
export function toUpstreamError(err: unknown, ctx: FailureContext): GatewayError {
  const chain = errorChain(err);
  const ours = chain.find((e): e is GatewayError => e instanceof GatewayError);
  if (ours !== undefined) return ours;
  if (ctx.signal.aborted) {
    return new GatewayError('UPSTREAM_TIMEOUT', { reason: `${ctx.origin} did not finish answering within ${ctx.timeoutMs} ms` });
  }
  const reason = `${ctx.origin}: ${describeErrorChain(chain)}`;
  // llhttp parser errors (not always carrying an HPE_ code): something answered, but not valid HTTP.
  if (chain.some((e) => e.name === 'HTTPParserError')) return new GatewayError('UPSTREAM_ERROR', { reason });
  const code = chain.map(errorCode).find((c) => c !== undefined);
  if (code === undefined || OWN_BUG_CODES.has(code)) return toGatewayError(err);
  if (TIMEOUT_CODES.has(code)) return new GatewayError('UPSTREAM_TIMEOUT', { reason });
  if (code.startsWith('HPE_')) return new GatewayError('UPSTREAM_ERROR', { reason });
  // Refused, reset, closed mid-response, DNS failure, TLS failure: the upstream cannot be reached.
  return new GatewayError('UPSTREAM_UNREACHABLE', { reason });
}
