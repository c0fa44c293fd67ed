import type { ErrorCode } from './errors.js';

export type AuditDecision = 'allow' | 'deny' | 'approval_required';
/** `tool_error`: the upstream ran and answered a 4xx; `error`: it failed; `not_run`: denied before execution. */
export type AuditOutcome = 'success' | 'tool_error' | 'error' | 'not_run';
export type Surface = 'rest' | 'mcp' | 'chat' | 'cli' | 'admin';
/**
 * `tool_call`: one call through the pipeline; `admin`: an administrative decision; `session`: an MCP
 * session event (opened, refused for another principal); `chat`: one chat-completions turn (model,
 * steps, provider failures). Tool calls made during a chat turn are `tool_call` events of their own.
 */
export type AuditEventType = 'tool_call' | 'admin' | 'session' | 'chat';
export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = ['tool_call', 'admin', 'session', 'chat'];

/** One append-only record of a call or an administrative decision. Never holds raw arguments or secrets. */
export interface AuditEvent {
  readonly callId: string;
  readonly time: string;
  readonly type: AuditEventType;
  readonly surface: Surface;
  readonly requestId: string;
  readonly environment: string;
  readonly principalId: string | null;
  readonly principalName: string | null;
  /** Tool name for calls, admin action (e.g. `keys.revoke`) for admin events. */
  readonly action: string;
  readonly pluginName: string | null;
  readonly toolHash: string | null;
  readonly decision: AuditDecision;
  /** Which grants decided, or why the call was stopped (audit-only wording). */
  readonly reason: string | null;
  readonly errorCode: ErrorCode | null;
  readonly outcome: AuditOutcome;
  readonly upstreamStatus: number | null;
  readonly latencyMs: number;
  /** SHA-256 of the RFC 8785 canonical arguments. */
  readonly argsDigest: string | null;
}

/** A stored audit event, with its position in the log. */
export interface StoredAuditEvent extends AuditEvent {
  readonly seq: number;
}

/**
 * A new record of a decision that has not been made yet: denied, not run, nothing known. Every
 * writer starts from this, so a field forgotten on some path reads as a denial, never as an allow.
 */
export function openAuditEvent(
  start: Pick<AuditEvent, 'callId' | 'time' | 'type' | 'surface' | 'requestId' | 'environment' | 'action'>,
): AuditEvent {
  return {
    ...start,
    principalId: null,
    principalName: null,
    pluginName: null,
    toolHash: null,
    decision: 'deny',
    reason: null,
    errorCode: null,
    outcome: 'not_run',
    upstreamStatus: null,
    latencyMs: 0,
    argsDigest: null,
  };
}
