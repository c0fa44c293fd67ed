import { effectiveArgs, type ApprovalRecord } from '../core/approval.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { closeCallAudit, openCallAudit, recordExecution, recordFailure, recordRedactions } from './call-audit.js';
import type { AuthenticatedCall, ToolCallResult } from './call-types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { approvalGate } from './stages/approval-gate.js';
import { authorize } from './stages/authorize.js';
import { execute } from './stages/execute.js';
import { filterOutput } from './stages/filter-output.js';
import { rateLimit } from './stages/rate-limit.js';
import { resolveTool } from './stages/resolve-tool.js';
import { validateArgs } from './stages/validate-args.js';

/**
 * Runs an approval request its final approval has claimed (status `approved`), as its requester, through
 * the same stages as `runToolCall`: everything is decided again now, not trusted from request time. The
 * requester must still exist and be enabled, the tool must still have the recorded definition, the
 * arguments must still validate, the requester must still be authorized (a grant revoked meanwhile
 * denies), the rate limit applies, and the gate checks the approval binds exactly this call. Audited as a
 * `tool_call` whose reason names the approval.
 */
export async function runApprovedCall(deps: PipelineDeps, approval: ApprovalRecord, requestId: string): Promise<ToolCallResult> {
  const started = performance.now();
  const audit = openCallAudit(deps, { surface: approval.surface, requestId, action: approval.toolName });
  const because = `approval ${approval.id}`;
  try {
    const principal = await deps.credentials.findPrincipalById(approval.requesterId);
    audit.principalId = approval.requesterId;
    audit.principalName = approval.requesterName;
    if (principal === undefined || principal.disabled) {
      throw new GatewayError('AUTH_REVOKED', {
        message: 'The principal who requested this call is disabled or gone, so it was not run.',
        reason: `${because}: requester ${approval.requesterName} is ${principal ? 'disabled' : 'deleted'}`,
      });
    }
    const authed: AuthenticatedCall = {
      credential: null,
      toolName: approval.toolName,
      args: effectiveArgs(approval).args,
      surface: approval.surface,
      requestId,
      principal,
    };
    const resolved = resolveTool(deps, authed);
    audit.pluginName = resolved.plugin.name;
    audit.toolHash = resolved.tool.definitionHash;
    const validated = validateArgs(resolved);
    audit.argsDigest = validated.argsDigest;
    const authorized = authorize(deps, validated);
    const admitted = await rateLimit(deps, authorized);
    const approved = await approvalGate(deps, admitted, approval);
    audit.decision = 'allow';
    audit.reason = `${because} (approved by ${approval.decisions
      .filter((d) => d.decision === 'approve')
      .map((d) => d.approverName)
      .join(', ')}): ${authorized.decision.reason}`;
    const executed = await execute(deps, approved);
    recordExecution(audit, executed);
    const result = filterOutput(deps, executed, audit.callId);
    recordRedactions(audit, result);
    audit.outcome = result.isError ? 'tool_error' : 'success';
    return result;
  } catch (thrown) {
    const err = toGatewayError(thrown);
    if (!(thrown instanceof GatewayError)) {
      deps.logger.error({ err: thrown, callId: audit.callId, approvalId: approval.id }, 'unexpected error running an approved call');
    }
    recordFailure(audit, err);
    audit.reason = `${because}: ${audit.reason ?? ''}`;
    throw err;
  } finally {
    await closeCallAudit(deps, audit, started);
  }
}
