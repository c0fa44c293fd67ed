import { randomUUID } from 'node:crypto';
import { openAuditEvent, type AuditDecision, type AuditEvent, type AuditOutcome, type Surface } from '../core/audit-event.js';
import type { ErrorCode } from '../core/errors.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { ExecutedCall } from './call-types.js';
import type { PipelineDeps } from './pipeline-deps.js';

/** The audit record of one call, filled in stage by stage; written once, in the entry point's `finally`. */
export type CallAudit = { -readonly [K in keyof AuditEvent]: AuditEvent[K] };

/** Errors raised after the upstream was contacted: the call ran (or tried to), it was not denied. */
export const EXECUTION_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_REDIRECT',
  'EGRESS_BLOCKED',
]);

/** The gate stopped the call for approval: recorded as a request (PENDING), or no request could be made. */
export const APPROVAL_STOPS: ReadonlySet<ErrorCode> = new Set(['APPROVAL_PENDING', 'APPROVAL_REQUIRED']);

/** A new call record: denied and not run until the stages say otherwise (see `openAuditEvent`). */
export function openCallAudit(deps: PipelineDeps, start: { surface: Surface; requestId: string; action: string }): CallAudit {
  return openAuditEvent({
    callId: randomUUID(),
    time: new Date(deps.clock.now()).toISOString(),
    type: 'tool_call',
    environment: deps.settings.environment,
    ...start,
  });
}

/** What the upstream answered, and how many attempts it took when the call was retried. */
export function recordExecution(audit: CallAudit, executed: ExecutedCall): void {
  audit.upstreamStatus = executed.upstream.status;
  const attempts = executed.upstream.attempts ?? 1;
  if (attempts > 1) audit.reason = `${audit.reason ?? ''} (after ${attempts} attempts)`.trim();
}

export function recordFailure(audit: CallAudit, err: GatewayError): void {
  // A failure after the upstream answered (e.g. while filtering) still ran the call: record it as such.
  const ranUpstream = audit.decision === 'allow' && (EXECUTION_ERRORS.has(err.code) || audit.upstreamStatus !== null);
  const decision: AuditDecision = ranUpstream ? 'allow' : APPROVAL_STOPS.has(err.code) ? 'approval_required' : 'deny';
  const outcome: AuditOutcome = ranUpstream ? 'error' : 'not_run';
  const status = err.details?.['status'];
  audit.decision = decision;
  audit.outcome = outcome;
  audit.errorCode = err.code;
  audit.reason = err.reason ?? err.message;
  if (typeof status === 'number') audit.upstreamStatus = status;
}

/** Stamps the latency and appends the record; the answer waits for the audit commit. */
export async function closeCallAudit(deps: PipelineDeps, audit: CallAudit, startedMs: number): Promise<void> {
  audit.latencyMs = Math.round((performance.now() - startedMs) * 1000) / 1000;
  await deps.audit.append(audit);
}
