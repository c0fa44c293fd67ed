import type { ApprovalRecord } from '../core/approval.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import type { ApprovalStore } from '../store/approval-store.js';

/** What webhooks are told about; `decided` is every approve or deny decision, `executed` the approved call's end. */
export type ApprovalEvent = 'requested' | 'decided' | 'executed' | 'expired';

export interface ApprovalSettings {
  /** Config `approval.ttlSeconds`: how long a request waits before it expires. */
  readonly ttlSeconds: number;
  /** Config `approval.twoPersonTools`: calls of these tools need two distinct approvers. */
  readonly twoPersonTools: readonly string[];
}

/** What the approval use cases work on (wired in main.ts). */
export interface ApprovalDeps {
  readonly store: ApprovalStore;
  /** The pipeline's ports: authorizer and catalog decide who may approve; approved calls run through it. */
  readonly pipeline: PipelineDeps;
  readonly settings: ApprovalSettings;
  /** Sends notifications in the background; never throws, never blocks. */
  readonly notify: (event: ApprovalEvent, record: ApprovalRecord) => void;
}
