import type { ApprovalRecord } from '../core/approval.js';
import { auditApproval } from './approval-audit.js';
import type { ApprovalDeps } from './approval-deps.js';

/**
 * A pending request whose time is up becomes `expired`, so the call is denied. Done lazily whenever a request
 * is read or decided, and by the periodic sweep; the update is conditional, so only one of them records it.
 */
export async function expireIfDue(deps: ApprovalDeps, record: ApprovalRecord, requestId: string): Promise<ApprovalRecord> {
  const now = deps.pipeline.clock.now();
  if (record.status !== 'pending' || Date.parse(record.expiresAt) > now) return record;
  const expired = await deps.store.update(record, { ...record, status: 'expired', decidedAt: new Date(now).toISOString() });
  if (expired === undefined) return (await deps.store.find(record.id)) ?? record;
  await auditApproval(deps.pipeline, {
    action: 'approvals.expire',
    record: expired,
    principal: null,
    requestId,
    decision: 'deny',
    reason: `expired at ${record.expiresAt} without enough approvals; the call is denied`,
  });
  deps.notify('expired', expired);
  return expired;
}

/** The periodic sweep (main.ts runs it): expires every due request, so webhooks hear of expiry without a read. */
export async function sweepExpiredApprovals(deps: ApprovalDeps): Promise<number> {
  const due = await deps.store.listDue(new Date(deps.pipeline.clock.now()).toISOString());
  let expired = 0;
  for (const record of due) {
    if ((await expireIfDue(deps, record, 'approval-sweep')).status === 'expired') expired += 1;
  }
  return expired;
}
