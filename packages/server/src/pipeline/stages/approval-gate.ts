import { effectiveArgs, type ApprovalRecord } from '../../core/approval.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { AdmittedCall, ApprovedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/** Where a requester reads an approval request's status (REST; the other surfaces point to it too). */
export function approvalStatusUrl(id: string): string {
  return `/v1/approvals/${encodeURIComponent(id)}`;
}

/**
 * Separates suggestion from execution: risky tiers and grants or policies that demand it do not run without
 * an approval. Such a call is recorded as an approval request (once per idempotency key) and stopped with
 * APPROVAL_PENDING; only `runApprovedCall`, holding the approved request, passes it, and only for exactly
 * the call that was approved. Without an approval store (`deps.approvals`) no request can be made, so the
 * call is refused with APPROVAL_REQUIRED.
 */
export async function approvalGate(
  deps: Pick<PipelineDeps, 'settings' | 'approvals'>,
  call: AdmittedCall,
  approval?: ApprovalRecord,
): Promise<ApprovedCall> {
  if (approval !== undefined) return { ...call, clearance: { approvalId: checkBinding(call, approval) } };
  const byTier = deps.settings.approvalTiers.includes(call.tool.riskTier);
  if (!byTier && !call.decision.requiresApproval) return { ...call, clearance: 'not_required' };
  const requiredBy = byTier ? 'risk_tier' : call.decision.grantIds.length > 0 ? 'grant' : 'policy';
  const why = byTier
    ? `risk tier ${call.tool.riskTier} requires approval`
    : requiredBy === 'grant'
      ? `grant requires approval (${call.decision.grantIds.join(', ')})`
      : `policy requires approval (${call.decision.policyIds.join(', ')})`;
  const details = { tool: call.tool.name, riskTier: call.tool.riskTier, requiredBy };
  if (deps.approvals === undefined) throw new GatewayError('APPROVAL_REQUIRED', { reason: why, details });
  const request = await deps.approvals.request({
    requesterId: call.principal.id,
    requesterName: call.principal.name,
    toolName: call.tool.name,
    pluginName: call.plugin.name,
    definitionHash: call.tool.definitionHash,
    args: call.validArgs,
    argsDigest: call.argsDigest,
    policyVersion: call.decision.policyVersion,
    reason: why,
    surface: call.surface,
    idempotencyKey: call.idempotencyKey,
  });
  throw new GatewayError('APPROVAL_PENDING', {
    reason: `approval ${request.id} (${request.status}): ${why}`,
    details: {
      ...details,
      approvalId: request.id,
      status: request.status,
      statusUrl: approvalStatusUrl(request.id),
      expiresAt: request.expiresAt,
    },
  });
}

/**
 * An approval clears exactly the call it was given for: same requester, tool, definition and arguments, and
 * only while the final approval holds it (status `approved`). Anything else is a replay and is refused.
 */
function checkBinding(call: AdmittedCall, approval: ApprovalRecord): string {
  const { digest } = effectiveArgs(approval);
  if (approval.status !== 'approved') {
    throw new GatewayError('APPROVAL_ALREADY_DECIDED', { reason: `approval ${approval.id} is ${approval.status}, not approved` });
  }
  if (call.tool.definitionHash !== approval.definitionHash) {
    throw new GatewayError('APPROVAL_EXPIRED', {
      message: "The tool's definition changed after the call was requested, so the approval no longer applies. Make the call again.",
      reason: `approval ${approval.id} is for definition ${approval.definitionHash}, the tool is now ${call.tool.definitionHash}`,
      details: { approvalId: approval.id, cause: 'definition_changed' },
    });
  }
  const mismatch =
    call.principal.id !== approval.requesterId
      ? 'requester'
      : call.tool.name !== approval.toolName
        ? 'tool'
        : call.argsDigest !== digest
          ? 'arguments'
          : undefined;
  if (mismatch !== undefined) {
    throw new GatewayError('APPROVAL_FORBIDDEN', {
      message: 'This approval is for another call; it cannot clear this one. Make the call and ask for its own approval.',
      reason: `approval ${approval.id} does not match the call's ${mismatch}`,
      details: { approvalId: approval.id, mismatch },
    });
  }
  return approval.id;
}
