import {
  approvalsOfCurrentArgs,
  effectiveArgs,
  requesterMayConfirm,
  type ApprovalDecision,
  type ApprovalRecord,
} from '../core/approval.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import { runApprovedCall } from '../pipeline/run-approved-call.js';
import { validateArgs } from '../pipeline/stages/validate-args.js';
import { mayApprove, visibleApproval } from './approval-access.js';
import { auditApproval } from './approval-audit.js';
import type { ApprovalDeps } from './approval-deps.js';
import { expireIfDue } from './expire-approvals.js';

export interface DecisionInput {
  readonly decision: 'approve' | 'deny';
  readonly note?: string;
  /** Approve only: replaces the requested arguments (validated against the tool's input schema). */
  readonly arguments?: Record<string, unknown>;
}

/** Concurrent decisions on one request retry on a version conflict; more conflicts than this is contention, not a race. */
const MAX_ATTEMPTS = 8;

/**
 * An approver approves or denies a request. Every write is conditional on the version read, so concurrent
 * decisions never overwrite each other; the decision that completes the approvals moves the request from
 * `pending` to `approved` in that same write, which only one writer can make, and only that writer runs the
 * call (exactly once). The others re-read and are told APPROVAL_ALREADY_DECIDED. Refusals are audited.
 */
export async function decideApproval(
  deps: ApprovalDeps,
  approver: Principal,
  id: string,
  input: DecisionInput,
  requestId: string,
): Promise<ApprovalRecord> {
  const action = `approvals.${input.decision}`;
  let current = await visibleApproval(deps, approver, id, requestId);
  try {
    const confirming = input.decision === 'approve' && requesterMayConfirm(current, approver.id, input.arguments !== undefined);
    if (current.requesterId === approver.id && !confirming) {
      throw new GatewayError('APPROVAL_FORBIDDEN', {
        message: 'You made this request, so you cannot decide it. Ask another approver.',
        reason: `${approver.name} may not decide their own request`,
      });
    }
    // Past this point the caller is an approver, or the requester accepting arguments another person edited.
    const edit = input.arguments !== undefined ? validEdit(deps, approver, current, input.arguments, requestId) : undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      current = await expireIfDue(deps, current, requestId);
      if (current.status === 'expired') {
        throw new GatewayError('APPROVAL_EXPIRED', { reason: `approval ${id} expired at ${current.expiresAt}` });
      }
      if (current.status !== 'pending') {
        throw new GatewayError('APPROVAL_ALREADY_DECIDED', { reason: `approval ${id} is already ${current.status}` });
      }
      if (confirming && !requesterMayConfirm(current, approver.id, false)) {
        throw new GatewayError('APPROVAL_FORBIDDEN', { reason: `the edit ${approver.name} was confirming changed meanwhile` });
      }
      const next = withDecision(deps, approver, current, input, edit, await approversStillAllowed(deps, current, approver));
      const stored = await deps.store.update(current, next);
      if (stored === undefined) {
        current = (await deps.store.find(id)) ?? current;
        continue;
      }
      await auditApproval(deps.pipeline, {
        action,
        record: stored,
        principal: approver,
        requestId,
        decision: input.decision === 'deny' ? 'deny' : 'allow',
        reason: describeDecision(stored, input, edit),
      });
      deps.notify('decided', stored);
      return stored.status === 'approved' ? await runClaimed(deps, stored, requestId) : stored;
    }
    throw new GatewayError('APPROVAL_ALREADY_DECIDED', { reason: `approval ${id}: gave up after ${MAX_ATTEMPTS} conflicting updates` });
  } catch (thrown) {
    const err = toGatewayError(thrown);
    await auditApproval(deps.pipeline, { action, record: current, principal: approver, requestId, decision: 'deny', reason: '', err });
    throw err;
  }
}

/** The approver's replacement arguments, validated as the tool's own call would be; refused like a bad call. */
function validEdit(
  deps: ApprovalDeps,
  approver: Principal,
  record: ApprovalRecord,
  args: Record<string, unknown>,
  requestId: string,
): { args: Readonly<Record<string, unknown>>; digest: string } {
  const entry = deps.pipeline.catalog.get(record.toolName);
  if (entry === undefined || entry.tool.definitionHash !== record.definitionHash) {
    throw new GatewayError('APPROVAL_EXPIRED', {
      message:
        "The tool's definition changed after the call was requested, so the request can no longer be approved. Ask for the call again.",
      reason: `tool ${record.toolName} no longer has definition ${record.definitionHash}`,
      details: { cause: 'definition_changed' },
    });
  }
  const validated = validateArgs({
    credential: null,
    toolName: record.toolName,
    args,
    surface: record.surface,
    requestId,
    principal: approver,
    tool: entry.tool,
    plugin: entry.plugin,
  });
  return { args: validated.validArgs, digest: validated.argsDigest };
}

function withDecision(
  deps: ApprovalDeps,
  approver: Principal,
  current: ApprovalRecord,
  input: DecisionInput,
  edit: { args: Readonly<Record<string, unknown>>; digest: string } | undefined,
  stillAllowed: ReadonlySet<string>,
): ApprovalRecord {
  const at = new Date(deps.pipeline.clock.now()).toISOString();
  const digest = edit?.digest ?? effectiveArgs(current).digest;
  const decision: ApprovalDecision = {
    approverId: approver.id,
    approverName: approver.name,
    decision: input.decision,
    at,
    note: input.note ?? null,
    argsDigest: digest,
    ...(edit !== undefined ? { editedArgs: edit.args } : {}),
  };
  if (input.decision === 'deny') return { ...current, decisions: [...current.decisions, decision], status: 'denied', decidedAt: at };
  const alreadyApproved = current.decisions.some(
    (d) => d.decision === 'approve' && d.approverId === approver.id && d.argsDigest === digest,
  );
  if (alreadyApproved) {
    throw new GatewayError('APPROVAL_FORBIDDEN', {
      message: 'You already approved this request; the two-person rule needs a second, different approver.',
      reason: `${approver.name} already approved approval ${current.id}`,
    });
  }
  const edited = edit !== undefined && edit.digest !== current.argsDigest;
  const next: ApprovalRecord = {
    ...current,
    decisions: [...current.decisions, decision],
    ...(edit !== undefined ? { editedArgs: edited ? edit.args : null, editedArgsDigest: edited ? edit.digest : null } : {}),
  };
  const count = approvalsOfCurrentArgs(next, (id) => id === approver.id || stillAllowed.has(id));
  return count >= next.requiredApprovals ? { ...next, status: 'approved', decidedAt: at } : next;
}

/**
 * Earlier approvals count only while their authors could still give them: an approver since disabled, removed
 * or stripped of the approve grant no longer makes up the two-person rule. The requester confirming another
 * person's edit counts as long as they are enabled.
 */
async function approversStillAllowed(deps: ApprovalDeps, record: ApprovalRecord, deciding: Principal): Promise<ReadonlySet<string>> {
  const allowed = new Set<string>();
  const earlier = new Set(
    record.decisions.filter((d) => d.decision === 'approve' && d.approverId !== deciding.id).map((d) => d.approverId),
  );
  for (const id of earlier) {
    const principal = await deps.pipeline.credentials.findPrincipalById(id);
    if (principal === undefined || principal.disabled) continue;
    if (id === record.requesterId || mayApprove(deps, principal, record)) allowed.add(id);
  }
  return allowed;
}

/**
 * Runs the call this writer's approval claimed and keeps the outcome for the requester. A refusal at run time
 * (revoked grant, changed definition, disabled requester) or an upstream failure makes the request `failed`.
 */
async function runClaimed(deps: ApprovalDeps, claimed: ApprovalRecord, requestId: string): Promise<ApprovalRecord> {
  let next: ApprovalRecord;
  try {
    const result = await runApprovedCall(deps.pipeline, claimed, requestId);
    next = { ...claimed, status: 'executed', outcome: { kind: 'result', result: { ...result } } };
  } catch (thrown) {
    const err = toGatewayError(thrown);
    next = { ...claimed, status: 'failed', outcome: { kind: 'error', code: err.code, message: err.message } };
  }
  next = { ...next, executedAt: new Date(deps.pipeline.clock.now()).toISOString() };
  // Only the claimer writes an `approved` request, so this conditional update cannot lose a race.
  const stored = (await deps.store.update(claimed, next)) ?? next;
  deps.notify('executed', stored);
  return stored;
}

function describeDecision(
  r: ApprovalRecord,
  input: DecisionInput,
  edit: { args: Readonly<Record<string, unknown>>; digest: string } | undefined,
): string {
  const edited = edit !== undefined ? `; arguments edited: ${r.argsDigest} → ${edit.digest}` : '';
  const count = input.decision === 'approve' ? ` (${approvalsOfCurrentArgs(r)}/${r.requiredApprovals} approvals)` : '';
  // The note stays in the request, not the audit log: it is free text, like arguments.
  return `${input.decision === 'approve' ? 'approved' : 'denied'}, now ${r.status}${count}${edited}${input.note ? '; with a note' : ''}`;
}
