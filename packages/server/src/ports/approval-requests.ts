import type { ApprovalRecord } from '../core/approval.js';

/** The exact call the approval gate stopped, as it is recorded for approvers. */
export type NewApprovalRequest = Pick<
  ApprovalRecord,
  | 'requesterId'
  | 'requesterName'
  | 'toolName'
  | 'pluginName'
  | 'definitionHash'
  | 'args'
  | 'argsDigest'
  | 'policyVersion'
  | 'reason'
  | 'surface'
> & {
  /** The caller's idempotency key (REST `Idempotency-Key`, MCP request id, chat tool-call id), if any. */
  readonly idempotencyKey: string | undefined;
};

/**
 * Where the approval gate records a call that needs approval (approvals/ implements it: store, audit,
 * notifications). `request` is idempotent: the same requester, key, tool and arguments get the same record.
 */
export interface ApprovalRequests {
  request(input: NewApprovalRequest): Promise<ApprovalRecord>;
}
