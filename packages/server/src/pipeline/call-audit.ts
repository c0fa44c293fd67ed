import { randomUUID } from 'node:crypto';
import { openAuditEvent, type AuditDecision, type AuditEvent, type AuditOutcome, type Surface } from '../core/audit-event.js';
import type { ErrorCode } from '../core/errors.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { ExecutedCall, ToolCallResult } from './call-types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { servedFromNote } from './served-from.js';

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

/** What the observer needs beyond the audit columns; kept beside the record so the record stays as written. */
interface CallTally {
  attempts: number;
  limit: string | null;
}
const tallies = new WeakMap<CallAudit, CallTally>();

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
  // A cache hit, or a call that shared one in flight, sent nothing upstream.
  const sentNothing = executed.upstream.cache?.status === 'hit' || executed.upstream.cache?.status === 'shared';
  tallies.set(audit, { attempts: sentNothing ? 0 : attempts, limit: null });
  if (attempts > 1) audit.reason = `${audit.reason ?? ''} (after ${attempts} attempts)`.trim();
  const served = servedFromNote(executed.upstream);
  if (served !== undefined) audit.reason = `${audit.reason ?? ''} ${served}`.trim();
  // A fallback answered for a failure: the record keeps the failure's code, so searches and metrics by code find it.
  if (executed.upstream.fallback !== undefined) audit.errorCode = executed.upstream.fallback.cause;
}

/** What the output filter redacted, by kind and count; the values themselves are never recorded. */
export function recordRedactions(audit: CallAudit, result: ToolCallResult): void {
  if (result.redactions === undefined || result.redactions.length === 0) return;
  const kinds = result.redactions.map((r) => `${r.kind}=${r.count}`).join(', ');
  audit.reason = `${audit.reason ?? ''} (output filter redacted: ${kinds})`.trim();
}

export function recordFailure(audit: CallAudit, err: GatewayError): void {
  // A failure after the upstream answered (e.g. while filtering) still ran the call: record it as such.
  const ranUpstream = audit.decision === 'allow' && (EXECUTION_ERRORS.has(err.code) || audit.upstreamStatus !== null);
  // The output filter refused what the upstream answered: the call ran (outcome error), its result was denied.
  const decision: AuditDecision =
    err.code === 'OUTPUT_BLOCKED' ? 'deny' : ranUpstream ? 'allow' : APPROVAL_STOPS.has(err.code) ? 'approval_required' : 'deny';
  const outcome: AuditOutcome = ranUpstream ? 'error' : 'not_run';
  audit.decision = decision;
  audit.outcome = outcome;
  audit.errorCode = err.code;
  audit.reason = err.reason ?? err.message;
  if (err.upstreamStatus !== undefined) audit.upstreamStatus = err.upstreamStatus;
  const limit = err.details?.['limit'];
  if (ranUpstream && !tallies.has(audit)) {
    tallies.set(audit, { attempts: err.attempts ?? 1, limit: null });
  } else if (typeof limit === 'string' && (err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED')) {
    tallies.set(audit, { attempts: 0, limit });
  }
}

/** Stamps the latency and appends the record; the answer waits for the audit commit. */
export async function closeCallAudit(deps: PipelineDeps, audit: CallAudit, startedMs: number): Promise<void> {
  audit.latencyMs = Math.round((performance.now() - startedMs) * 1000) / 1000;
  observe(deps, audit);
  await deps.audit.append(audit);
}

/** Metrics are not a control: an observer that fails is logged, never allowed to fail the call. */
function observe(deps: PipelineDeps, audit: CallAudit): void {
  if (!deps.observer) return;
  const tally = tallies.get(audit);
  try {
    deps.observer.callFinished({ event: audit, attempts: tally?.attempts ?? 0, limit: tally?.limit ?? null });
  } catch (err) {
    deps.logger.warn({ err, callId: audit.callId }, 'call observer failed; the call is unaffected');
  }
}
