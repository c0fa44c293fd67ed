import { randomUUID } from 'node:crypto';
import type { ApprovalRecord } from '../core/approval.js';
import { effectiveArgs } from '../core/approval.js';
import { openAuditEvent, type AuditDecision, type AuditOutcome } from '../core/audit-event.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';

export interface ApprovalAuditEntry {
  /** `approvals.approve`, `approvals.deny`, `approvals.expire`, `approvals.webhook`, ... */
  readonly action: string;
  readonly record: ApprovalRecord;
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly decision: AuditDecision;
  readonly reason: string;
  readonly err?: GatewayError;
  /** Default: `not_run` for a refusal, `success` otherwise. */
  readonly outcome?: AuditOutcome;
}

/**
 * One audit event per approval decision, refusal, expiry or webhook failure. The approval id is in the
 * reason and the call's tool hash and argument digest are recorded, never the arguments themselves.
 */
export async function auditApproval(pipeline: PipelineDeps, entry: ApprovalAuditEntry): Promise<void> {
  const { record, principal, err } = entry;
  await pipeline.audit.append({
    ...openAuditEvent({
      callId: randomUUID(),
      time: new Date(pipeline.clock.now()).toISOString(),
      type: 'admin',
      surface: 'rest',
      requestId: entry.requestId,
      environment: pipeline.settings.environment,
      action: entry.action,
    }),
    principalId: principal?.id ?? null,
    principalName: principal?.name ?? null,
    pluginName: record.pluginName,
    toolHash: record.definitionHash,
    argsDigest: effectiveArgs(record).digest,
    decision: entry.decision,
    reason: `approval ${record.id} (${record.toolName}): ${err ? (err.reason ?? err.message) : entry.reason}`,
    errorCode: err?.code ?? null,
    outcome: entry.outcome ?? (err ? 'not_run' : 'success'),
  });
}
