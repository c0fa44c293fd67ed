import type { ApprovalRecord } from '../core/approval.js';
import type { Logger } from '../ports/logger.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import type { ApprovalStore } from '../store/approval-store.js';
import { auditApproval } from './approval-audit.js';
import type { ApprovalDeps, ApprovalEvent, ApprovalSettings } from './approval-deps.js';
import { ApprovalRecorder } from './approval-recorder.js';
import { ApprovalWebhooks, type ApprovalWebhookTarget, type PostJson } from './approval-webhooks.js';
import { sweepExpiredApprovals } from './expire-approvals.js';

export interface ApprovalWorkflowOptions {
  readonly store: ApprovalStore;
  readonly settings: ApprovalSettings & { readonly webhooks: readonly ApprovalWebhookTarget[] };
  readonly clock: { now(): number };
  readonly logger: Logger;
  readonly post: PostJson;
  readonly baseUrl: () => string;
}

export interface ApprovalWorkflow {
  /** The pipeline's `approvals` port. */
  readonly recorder: ApprovalRecorder;
  readonly webhooks: ApprovalWebhooks;
  /** The use cases' deps, once the pipeline that runs approved calls exists. */
  bind(pipeline: PipelineDeps): ApprovalDeps;
}

/**
 * The pieces of the approval workflow, built in the order main.ts needs them: the recorder goes into the
 * pipeline, and the use cases need that pipeline. Webhook failures are logged and audited.
 */
export function approvalWorkflow(opts: ApprovalWorkflowOptions): ApprovalWorkflow {
  let pipeline: PipelineDeps | undefined;
  const webhooks = new ApprovalWebhooks({
    targets: opts.settings.webhooks,
    post: opts.post,
    baseUrl: opts.baseUrl,
    onFailure: async (target, event, record, why) => {
      const host = new URL(target.url).host;
      opts.logger.warn({ approvalId: record.id, event, webhook: host, why }, 'approval webhook failed after a retry');
      if (pipeline === undefined) return;
      await auditApproval(pipeline, {
        action: 'approvals.webhook',
        record,
        principal: null,
        requestId: `webhook-${record.id}`,
        decision: 'deny',
        outcome: 'error',
        reason: `webhook to ${host} for "${event}" failed after a retry: ${why}`,
      });
    },
  });
  const notify = (event: ApprovalEvent, record: ApprovalRecord): void => webhooks.notify(event, record);
  const recorder = new ApprovalRecorder({ store: opts.store, settings: opts.settings, notify, clock: opts.clock });
  return {
    recorder,
    webhooks,
    bind: (p) => {
      pipeline = p;
      return { store: opts.store, pipeline: p, settings: opts.settings, notify };
    },
  };
}

/** Expires due requests every `intervalMs` (so webhooks hear of expiry without a read); returns the stop function. */
export function startApprovalSweep(deps: ApprovalDeps, intervalMs: number): () => void {
  const timer = setInterval(() => {
    sweepExpiredApprovals(deps).catch((err: unknown) => deps.pipeline.logger.error({ err }, 'approval expiry sweep failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
