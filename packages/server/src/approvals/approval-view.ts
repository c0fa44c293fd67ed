import type { ApprovalView, InvokeResponse } from '@toolgate/contract';
import { approvalsOfCurrentArgs, type ApprovalRecord } from '../core/approval.js';
import { approvalStatusUrl } from '../pipeline/stages/approval-gate.js';

/**
 * An approval request as its requester and approvers see it. `withOutcome: false` leaves out the kept result
 * (approvers and webhook bodies: the result is the requester's; an approver decides whether the call runs, not
 * what it returned). Why a run failed (a caller-safe error code and message) is shown to everyone who may see it.
 */
export function approvalView(r: ApprovalRecord, opts: { withOutcome: boolean }): ApprovalView {
  const outcome = opts.withOutcome || r.outcome?.kind === 'error' ? r.outcome : null;
  return {
    id: r.id,
    status: r.status,
    statusUrl: approvalStatusUrl(r.id),
    tool: r.toolName,
    plugin: r.pluginName,
    definitionHash: r.definitionHash,
    requester: { id: r.requesterId, name: r.requesterName },
    arguments: { ...r.args },
    argsDigest: r.argsDigest,
    ...(r.editedArgs !== null && r.editedArgsDigest !== null
      ? { editedArguments: { ...r.editedArgs }, editedArgsDigest: r.editedArgsDigest }
      : {}),
    policyVersion: r.policyVersion,
    reason: r.reason,
    surface: r.surface,
    requiredApprovals: r.requiredApprovals,
    approvals: approvalsOfCurrentArgs(r),
    decisions: r.decisions.map((d) => ({
      approver: { id: d.approverId, name: d.approverName },
      decision: d.decision,
      at: d.at,
      note: d.note,
      argsDigest: d.argsDigest,
      ...(d.editedArgs !== undefined ? { editedArguments: { ...d.editedArgs } } : {}),
    })),
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    decidedAt: r.decidedAt,
    executedAt: r.executedAt,
    ...(outcome?.kind === 'result' ? { result: outcome.result as unknown as InvokeResponse } : {}),
    ...(outcome?.kind === 'error' ? { error: { code: outcome.code, message: outcome.message } } : {}),
  };
}
