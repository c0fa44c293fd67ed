import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { closeCallAudit, openCallAudit, recordExecution, recordFailure, recordRedactions } from './call-audit.js';
import type { CallRequest, ToolCallResult } from './call-types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { approvalGate } from './stages/approval-gate.js';
import { authenticate } from './stages/authenticate.js';
import { authorize } from './stages/authorize.js';
import { execute } from './stages/execute.js';
import { filterOutput } from './stages/filter-output.js';
import { rateLimit } from './stages/rate-limit.js';
import { resolveTool } from './stages/resolve-tool.js';
import { validateArgs } from './stages/validate-args.js';

/**
 * The one tool-call path every surface uses (DESIGN.md §2). The order of the stages is a security
 * property. The audit record is opened first and written in `finally`, so every call, allowed or
 * not, is audited; any non-GatewayError becomes INTERNAL and the call is denied (fail closed).
 */
export async function runToolCall(deps: PipelineDeps, req: CallRequest): Promise<ToolCallResult> {
  const started = performance.now();
  const audit = openCallAudit(deps, { surface: req.surface, requestId: req.requestId, action: req.toolName });

  try {
    const authed = await authenticate(deps, req);
    audit.principalId = authed.principal.id;
    audit.principalName = authed.principal.name;
    if (req.rejected) throw req.rejected;
    const resolved = resolveTool(deps, authed);
    audit.pluginName = resolved.plugin.name;
    audit.toolHash = resolved.tool.definitionHash;
    const validated = validateArgs(resolved);
    audit.argsDigest = validated.argsDigest;
    const authorized = authorize(deps, validated);
    audit.reason = authorized.decision.reason;
    const admitted = await rateLimit(deps, authorized);
    const approved = await approvalGate(deps, admitted);
    audit.decision = 'allow';
    const executed = await execute(deps, approved);
    recordExecution(audit, executed);
    const result = filterOutput(deps, executed, audit.callId);
    recordRedactions(audit, result);
    audit.outcome = result.isError ? 'tool_error' : 'success';
    return result;
  } catch (thrown) {
    const err = toGatewayError(thrown);
    if (!(thrown instanceof GatewayError)) {
      deps.logger.error(
        { err: thrown, callId: audit.callId, requestId: req.requestId },
        'unexpected error in tool-call pipeline; call denied',
      );
    }
    recordFailure(audit, err);
    throw err;
  } finally {
    await closeCallAudit(deps, audit, started);
  }
}
