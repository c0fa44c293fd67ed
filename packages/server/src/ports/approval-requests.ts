import type { ApprovalRecord } from '../core/approval.js';
import type { Surface } from '../core/audit-event.js';

/** The exact call the approval gate stopped, as it is recorded for approvers. */
export interface NewApprovalRequest {
  readonly requesterId: string;
  readonly requesterName: string;
  readonly toolName: string;
  readonly pluginName: string;
  readonly definitionHash: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly argsDigest: string;
  readonly policyVersion: number;
  readonly reason: string;
  readonly surface: Surface;
  /** The caller's idempotency key (REST `Idempotency-Key`, MCP request id, chat tool-call id), if any. */
  readonly idempotencyKey: string | undefined;
}

/**
 * Where the approval gate records a call that needs approval (approvals/ implements it: store, audit,
 * notifications). `request` is idempotent: the same requester, key, tool and arguments get the same record.
 */
export interface ApprovalRequests {
  request(input: NewApprovalRequest): Promise<ApprovalRecord>;
}
