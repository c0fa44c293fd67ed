import { randomUUID } from 'node:crypto';
import { openAuditEvent, type AuditDecision, type AuditEvent, type AuditOutcome } from '../core/audit-event.js';
import type { ErrorCode } from '../core/errors.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Errors raised after the upstream was contacted: the call ran (or tried to), it was not denied. */
export const EXECUTION_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_REDIRECT',
  'EGRESS_BLOCKED',
]);

/** The gate stopped the call for approval: recorded as a request (PENDING), or no request could be made. */
export const APPROVAL_STOPS: ReadonlySet<ErrorCode> = new Set(['APPROVAL_PENDING', 'APPROVAL_REQUIRED']);

/**
 * The one tool-call path every surface uses (DESIGN.md §2). The order of the stages is a security
 * property. The audit record is opened first and written in `finally`, so every call, allowed or
 * not, is audited; any non-GatewayError becomes INTERNAL and the call is denied (fail closed).
 */
export async function runToolCall(deps: PipelineDeps, req: CallRequest): Promise<ToolCallResult> {
  const started = performance.now();
  const audit: Mutable<AuditEvent> = openAuditEvent({
    callId: randomUUID(),
    time: new Date(deps.clock.now()).toISOString(),
    type: 'tool_call',
    surface: req.surface,
    requestId: req.requestId,
    environment: deps.settings.environment,
    action: req.toolName,
  });

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
    audit.upstreamStatus = executed.upstream.status;
    if ((executed.upstream.attempts ?? 1) > 1) audit.reason = `${audit.reason ?? ''} (after ${executed.upstream.attempts} attempts)`.trim();
    const result = filterOutput(deps, executed, audit.callId);
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
    audit.latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    await deps.audit.append(audit);
  }
}

function recordFailure(audit: Mutable<AuditEvent>, err: GatewayError): void {
  // A failure after the upstream answered (e.g. while filtering) still ran the call: record it as such.
  const ranUpstream = audit.decision === 'allow' && (EXECUTION_ERRORS.has(err.code) || audit.upstreamStatus !== null);
  const decision: AuditDecision = ranUpstream ? 'allow' : APPROVAL_STOPS.has(err.code) ? 'approval_required' : 'deny';
  const outcome: AuditOutcome = ranUpstream ? 'error' : 'not_run';
  const status = err.details?.['status'];
  audit.decision = decision;
  audit.outcome = outcome;
  audit.errorCode = err.code;
  audit.reason = err.reason ?? err.message;
  if (typeof status === 'number') audit.upstreamStatus = status;
}
