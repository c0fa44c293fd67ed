import type { ApprovalRecord } from '../core/approval.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import type { ApprovalDeps } from './approval-deps.js';
import { expireIfDue } from './expire-approvals.js';

/**
 * Approvers are the principals the one authorization function allows the `approve` action on the tool
 * (an `approve` grant, or a policy). A tool that is gone from the catalog has no approvers: it cannot run.
 */
export function mayApprove(deps: ApprovalDeps, principal: Principal, record: ApprovalRecord): boolean {
  const entry = deps.pipeline.catalog.get(record.toolName);
  if (entry === undefined) return false;
  const decision = deps.pipeline.authorizer.decide({
    principal,
    tool: entry.tool,
    plugin: entry.plugin,
    environment: deps.pipeline.settings.environment,
    action: 'approve',
  });
  return decision.effect === 'allow';
}

/** The requester sees their own requests; approvers see the ones they may decide. */
export function maySee(deps: ApprovalDeps, principal: Principal, record: ApprovalRecord): boolean {
  return record.requesterId === principal.id || mayApprove(deps, principal, record);
}

/**
 * The request, expired first if its time is up, when the principal may see it. Anyone else is told it does
 * not exist, so ids cannot be probed.
 */
export async function visibleApproval(deps: ApprovalDeps, principal: Principal, id: string, requestId: string): Promise<ApprovalRecord> {
  const found = await deps.store.find(id);
  if (found === undefined || !maySee(deps, principal, found)) {
    throw new GatewayError('APPROVAL_NOT_FOUND', { reason: found ? `${principal.name} may not see approval ${id}` : 'no such approval' });
  }
  return expireIfDue(deps, found, requestId);
}
