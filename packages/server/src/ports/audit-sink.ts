import type { AuditEvent } from '../core/audit-event.js';

/** Append-only audit log. `append` resolves once the event is durably stored. */
export interface AuditSink {
  append(event: AuditEvent): Promise<void>;
}
