import type { GatewayError } from '../core/gateway-error.js';
import type { Plugin } from '../core/plugin.js';
import type { Principal } from '../core/principal.js';
import type { Surface } from '../core/audit-event.js';
import type { Tool } from '../core/tool.js';
import type { AuthorizationDecision } from '../ports/authorizer.js';
import type { Redaction } from '../ports/output-filter.js';
import type { CacheInfo, FallbackInfo, ProgressListener, UpstreamResult } from '../ports/tool-executor.js';

/**
 * Each stage takes the previous stage's type and returns a wider one, so skipping or reordering a
 * stage is a compile error (DESIGN.md §2).
 */
export interface CallRequest {
  /** The raw bearer credential as presented, or null when none was sent. */
  readonly credential: string | null;
  readonly toolName: string;
  readonly args: unknown;
  readonly surface: Surface;
  readonly requestId: string;
  /** The caller's IP as the surface saw it (REST: `req.ip`); conditional policies may test it. */
  readonly sourceIp?: string;
  /**
   * Set when the surface could not parse the request (body too large, malformed JSON). The pipeline
   * still opens the audit record and authenticates the caller, then denies with this error.
   */
  readonly rejected?: GatewayError;
  /**
   * Receives the upstream's progress while the call runs (an MCP caller that sent a progress token). A
   * callback the pipeline only hands to the executor, so nothing reaches the caller before the call is
   * authorized and cleared to run.
   */
  readonly onProgress?: ProgressListener;
  /**
   * Makes a retried suggestion that needs approval map to the same approval request instead of a new one
   * (REST `Idempotency-Key`, MCP request id, chat tool-call id).
   */
  readonly idempotencyKey?: string;
}

export interface AuthenticatedCall extends CallRequest {
  readonly principal: Principal;
}

export interface ResolvedCall extends AuthenticatedCall {
  readonly tool: Tool;
  readonly plugin: Plugin;
}

export interface ValidatedCall extends ResolvedCall {
  readonly validArgs: Readonly<Record<string, unknown>>;
  readonly argsDigest: string;
}

export interface AuthorizedCall extends ValidatedCall {
  readonly decision: AuthorizationDecision;
}

export interface AdmittedCall extends AuthorizedCall {
  readonly rateLimitRemaining: number;
}

export interface ApprovedCall extends AdmittedCall {
  /** How the call was cleared to run: no approval needed, or the approval request that approved exactly this call. */
  readonly clearance: Clearance;
}

export type Clearance = 'not_required' | { readonly approvalId: string };

export interface ExecutedCall extends ApprovedCall {
  readonly upstream: UpstreamResult;
}

/** What every surface maps back to its own format. */
export interface ToolCallResult {
  readonly callId: string;
  readonly tool: string;
  readonly definitionHash: string;
  /** True when the upstream ran but answered a client error (4xx): the model should see it. */
  readonly isError: boolean;
  readonly upstreamStatus: number;
  readonly contentType: string;
  /** JSON value or text; text with a truncation marker when cut. */
  readonly content: unknown;
  readonly truncated: boolean;
  /** Present when the response cache served or stored the result. */
  readonly cache?: CacheInfo;
  /** Present when the upstream failed and a configured fallback answered. */
  readonly fallback?: FallbackInfo;
  /** What the output filter redacted, by kind and count (never the values); absent when nothing was. */
  readonly redactions?: readonly Redaction[];
}
