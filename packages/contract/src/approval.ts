import { Type, type Static } from '@sinclair/typebox';
import type { InvokeResponse } from './invoke.js';

export type ApprovalStatusName = 'pending' | 'approved' | 'executed' | 'failed' | 'denied' | 'expired';

/** One approver's decision on an approval request. */
export interface ApprovalDecisionView {
  readonly approver: { readonly id: string; readonly name: string };
  readonly decision: 'approve' | 'deny';
  readonly at: string;
  readonly note: string | null;
  /** Digest of the arguments this decision was about. */
  readonly argsDigest: string;
  /** The arguments the approver replaced the requested ones with (validated against the tool's schema). */
  readonly editedArguments?: Record<string, unknown>;
}

/**
 * An approval request as `GET /v1/approvals/{id}` shows it to its requester and its approvers (and as the
 * JSON webhook body, without `result` and `error`).
 */
export interface ApprovalView {
  readonly id: string;
  readonly status: ApprovalStatusName;
  readonly statusUrl: string;
  readonly tool: string;
  readonly plugin: string;
  readonly definitionHash: string;
  readonly requester: { readonly id: string; readonly name: string };
  readonly arguments: Record<string, unknown>;
  readonly argsDigest: string;
  /** Present once an approver edited the arguments: what runs (or ran). */
  readonly editedArguments?: Record<string, unknown>;
  readonly editedArgsDigest?: string;
  readonly policyVersion: number;
  /** Why approval is required (risk tier, grant or policy). */
  readonly reason: string;
  readonly surface: string;
  /** Distinct approvals needed (2 under the two-person rule) and those given for the current arguments. */
  readonly requiredApprovals: number;
  readonly approvals: number;
  readonly decisions: readonly ApprovalDecisionView[];
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly executedAt: string | null;
  /** The kept result once the approved call ran (status `executed`). */
  readonly result?: InvokeResponse;
  /** Why the approved call did not run or failed (status `failed`). */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ApprovalListResponse {
  readonly approvals: readonly ApprovalView[];
}

/** REST answer 202 to an invoke that waits for approval (`Location` is the status URL). */
export interface ApprovalPendingResponse {
  readonly approvalId: string;
  readonly status: ApprovalStatusName;
  readonly statusUrl: string;
  readonly expiresAt: string;
  readonly tool: string;
  readonly message: string;
}

export const ApproveRequest = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    /** Replaces the requested arguments; validated against the tool's input schema and recorded beside them. */
    arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type ApproveRequest = Static<typeof ApproveRequest>;

export const DenyRequest = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
export type DenyRequest = Static<typeof DenyRequest>;

export const ApprovalListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([
        Type.Literal('pending'),
        Type.Literal('approved'),
        Type.Literal('executed'),
        Type.Literal('failed'),
        Type.Literal('denied'),
        Type.Literal('expired'),
      ]),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type ApprovalListQuery = Static<typeof ApprovalListQuery>;
