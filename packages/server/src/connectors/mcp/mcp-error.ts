import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../../core/gateway-error.js';
import { describeErrorChain, errorChain, errorCode } from '../error-chain.js';

// undici's and the socket's own timers (a connect timeout can fire before the SDK's request timeout).
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** A failure talking to an MCP upstream, mapped to the error table, and whether the link is broken. */
export interface McpFailure {
  readonly error: GatewayError;
  /**
   * The transport itself failed (a fetch error, an HTTP status, a dropped stream, a closed pipe), as
   * opposed to the server answering with a JSON-RPC error: the connection should be rebuilt.
   */
  readonly linkBroken: boolean;
}

/**
 * Maps whatever the MCP SDK threw to the error table. `what` names the upstream and operation for the
 * audit-only reason; caller-visible messages are the table's, which say what to do.
 */
export function classifyMcpFailure(err: unknown, what: string, timeoutMs: number): McpFailure {
  const chain = errorChain(err);
  const ours = findGatewayError(err);
  if (ours !== undefined) return { error: ours, linkBroken: true };
  const reason = `${what}: ${describeErrorChain(chain)}`;
  if (err instanceof McpError) {
    if (err.code === (ErrorCode.RequestTimeout as number)) {
      return { error: new GatewayError('UPSTREAM_TIMEOUT', { reason: `${what}: no answer within ${timeoutMs} ms` }), linkBroken: false };
    }
    if (err.code === (ErrorCode.ConnectionClosed as number)) {
      return { error: new GatewayError('UPSTREAM_UNREACHABLE', { reason }), linkBroken: true };
    }
    // The server answered, with a JSON-RPC error (unknown tool, bad params, its own internal error).
    return { error: new GatewayError('UPSTREAM_ERROR', { reason, details: { jsonRpcCode: err.code } }), linkBroken: false };
  }
  // A result that does not match the protocol's schema: the server answered, but nonsense.
  if (chain.some((e) => e.name === 'ZodError')) return { error: new GatewayError('UPSTREAM_ERROR', { reason }), linkBroken: false };
  if (err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code >= 500) {
    return { error: new GatewayError('UPSTREAM_ERROR', { reason, details: { status: err.code } }), linkBroken: true };
  }
  // The caller's own deadline or abort signal fired: the link is fine, this call ran out of time.
  if (chain.some((e) => e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return { error: new GatewayError('UPSTREAM_TIMEOUT', { reason }), linkBroken: false };
  }
  if (chain.some((e) => TIMEOUT_CODES.has(errorCode(e) ?? ''))) {
    return { error: new GatewayError('UPSTREAM_TIMEOUT', { reason }), linkBroken: true };
  }
  if (err instanceof Error) {
    // Refused, reset, DNS failure, session expired (404), a dead child's pipe: cannot be reached.
    return { error: new GatewayError('UPSTREAM_UNREACHABLE', { reason }), linkBroken: true };
  }
  return { error: new GatewayError('INTERNAL', { reason }), linkBroken: false };
}

/** The GatewayError (e.g. the SSRF guard's EGRESS_BLOCKED) somewhere in `err`'s cause chain, if any. */
export function findGatewayError(err: unknown): GatewayError | undefined {
  return errorChain(err).find((e): e is GatewayError => e instanceof GatewayError);
}
