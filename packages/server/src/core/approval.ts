import type { Surface } from './audit-event.js';
import type { ErrorCode } from './errors.js';

/**
 * `pending`: waits for approvers. `approved`: the final approval claimed it and it is executing (the one
 * conditional update that moves it here is what makes execution happen at most once). `executed`: it ran
 * (the upstream answered, possibly with a tool error). `failed`: the approved call was refused or failed at
 * execution (revoked grant, changed definition, upstream down). `denied`, `expired`: it never ran.
 */
export type ApprovalStatus = 'pending' | 'approved' | 'executed' | 'failed' | 'denied' | 'expired';
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'executed', 'failed', 'denied', 'expired'];

export interface ApprovalDecision {
  readonly approverId: string;
  readonly approverName: string;
  readonly decision: 'approve' | 'deny';
  readonly at: string;
  readonly note: string | null;
  /** Digest of the arguments this decision was about (the edited ones when it edited them). */
  readonly argsDigest: string;
  /** Present when the approver replaced the arguments; they were validated against the tool's input schema. */
  readonly editedArgs?: Readonly<Record<string, unknown>>;
}

/** What the requester gets back once the approved call ran, or why it did not. */
export type ApprovalOutcome =
  | { readonly kind: 'result'; readonly result: Readonly<Record<string, unknown>> }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly message: string };

/**
 * One suggested call waiting for (or past) a human decision. It binds the exact call: requester, tool name,
 * definition hash and arguments digest (DESIGN.md §2); an edit by an approver is recorded beside the original.
 */
export interface ApprovalRecord {
  readonly id: string;
  readonly requesterId: string;
  readonly requesterName: string;
  readonly toolName: string;
  readonly pluginName: string;
  readonly definitionHash: string;
  /** The validated arguments as the requester sent them. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly argsDigest: string;
  /** The latest approver edit, which is what runs. */
  readonly editedArgs: Readonly<Record<string, unknown>> | null;
  readonly editedArgsDigest: string | null;
  readonly policyVersion: number;
  /** Why approval is required (risk tier, grant or policy). */
  readonly reason: string;
  readonly surface: Surface;
  readonly status: ApprovalStatus;
  readonly requiredApprovals: number;
  readonly decisions: readonly ApprovalDecision[];
  readonly expiresAt: string;
  readonly idempotencyKey: string | null;
  readonly outcome: ApprovalOutcome | null;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly executedAt: string | null;
  /** Bumped by every update; updates are conditional on it, so concurrent decisions never overwrite each other. */
  readonly version: number;
}

/** The arguments that run if the request is approved: the latest edit, else the original ones. */
export function effectiveArgs(a: ApprovalRecord): { args: Readonly<Record<string, unknown>>; digest: string } {
  return a.editedArgs !== null && a.editedArgsDigest !== null
    ? { args: a.editedArgs, digest: a.editedArgsDigest }
    : { args: a.args, digest: a.argsDigest };
}

/**
 * Distinct people who approved exactly the arguments that would run now (an edit restarts the count). Whoever
 * edited the arguments does not count for them: otherwise one approver could run the requester's tool with
 * arguments of their choosing. Someone else must agree to the edit — another approver, or the requester.
 */
export function approvalsOfCurrentArgs(a: ApprovalRecord, stillCounts: (approverId: string) => boolean = () => true): number {
  const digest = effectiveArgs(a).digest;
  const editors = new Set(a.decisions.filter((d) => d.editedArgs !== undefined && d.argsDigest === digest).map((d) => d.approverId));
  const approving = a.decisions.filter(
    (d) => d.decision === 'approve' && d.argsDigest === digest && !editors.has(d.approverId) && stillCounts(d.approverId),
  );
  return new Set(approving.map((d) => d.approverId)).size;
}

/** The requester may approve only to accept arguments another person edited, never their own request as asked. */
export function requesterMayConfirm(a: ApprovalRecord, principalId: string, editing: boolean): boolean {
  if (a.requesterId !== principalId || editing || a.editedArgsDigest === null) return false;
  const digest = a.editedArgsDigest;
  return a.decisions.some((d) => d.editedArgs !== undefined && d.argsDigest === digest && d.approverId !== principalId);
}
