import { GatewayError } from '../../core/gateway-error.js';
import type { AdmittedCall, ApprovedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/**
 * Separates suggestion from execution: risky tiers and grants that demand it do not run without an
 * approval. Until the approval workflow exists, such calls are refused.
 */
export function approvalGate(deps: PipelineDeps, call: AdmittedCall): ApprovedCall {
  const byTier = deps.settings.approvalTiers.includes(call.tool.riskTier);
  if (byTier || call.decision.requiresApproval) {
    const why = byTier
      ? `risk tier ${call.tool.riskTier} requires approval`
      : `grant requires approval (${call.decision.grantIds.join(', ')})`;
    throw new GatewayError('APPROVAL_REQUIRED', {
      reason: why,
      details: { tool: call.tool.name, riskTier: call.tool.riskTier, requiredBy: byTier ? 'risk_tier' : 'grant' },
    });
  }
  return { ...call, clearance: 'not_required' };
}
