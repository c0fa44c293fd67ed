import type { AuditEvent } from '../core/audit-event.js';

/** One finished tool call as the pipeline saw it: its audit record plus what the record has no column for. */
export interface FinishedCall {
  /** The call's audit record, as written. Its `pluginName` is set only when the tool resolved. */
  readonly event: AuditEvent;
  /** Times the call was sent upstream (0 when it never ran, more than 1 when it was retried). */
  readonly attempts: number;
  /** The limit that refused the call (`details.limit` of RATE_LIMITED / QUOTA_EXCEEDED), else null. */
  readonly limit: string | null;
}

/**
 * Watches calls as they finish (metrics). Runs inline on every call, so it must be cheap, must never
 * throw, and must keep label values bounded: a caller-chosen tool name is only trusted once it resolved.
 */
export interface CallObserver {
  callFinished(call: FinishedCall): void;
}
