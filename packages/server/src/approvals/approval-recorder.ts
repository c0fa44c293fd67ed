import { randomUUID } from 'node:crypto';
import type { ApprovalRecord } from '../core/approval.js';
import { canonicalDigest } from '../core/canonical-digest.js';
import type { ApprovalRequests, NewApprovalRequest } from '../ports/approval-requests.js';
import type { ApprovalDeps } from './approval-deps.js';

/**
 * The approval gate's port: records the exact call as a pending request, with its expiry and the number of
 * approvals it needs, and tells the webhooks. A retry under the same idempotency key for the same tool and
 * arguments returns the first request; the key is stored digested with the call, so a key reused for
 * another call (a model's recycled tool-call id) makes a request of its own instead of reusing this one.
 */
export class ApprovalRecorder implements ApprovalRequests {
  constructor(private readonly deps: Omit<ApprovalDeps, 'pipeline'> & { readonly clock: { now(): number } }) {}

  async request(input: NewApprovalRequest): Promise<ApprovalRecord> {
    const now = this.deps.clock.now();
    const record: ApprovalRecord = {
      id: `apr_${randomUUID()}`,
      requesterId: input.requesterId,
      requesterName: input.requesterName,
      toolName: input.toolName,
      pluginName: input.pluginName,
      definitionHash: input.definitionHash,
      args: input.args,
      argsDigest: input.argsDigest,
      editedArgs: null,
      editedArgsDigest: null,
      policyVersion: input.policyVersion,
      reason: input.reason,
      surface: input.surface,
      status: 'pending',
      requiredApprovals: this.deps.settings.twoPersonTools.includes(input.toolName) ? 2 : 1,
      decisions: [],
      expiresAt: new Date(now + this.deps.settings.ttlSeconds * 1000).toISOString(),
      idempotencyKey:
        input.idempotencyKey === undefined
          ? null
          : canonicalDigest({
              key: input.idempotencyKey,
              tool: input.toolName,
              definitionHash: input.definitionHash,
              args: input.argsDigest,
            }),
      outcome: null,
      createdAt: new Date(now).toISOString(),
      decidedAt: null,
      executedAt: null,
      version: 1,
    };
    const stored = await this.deps.store.insertOrFind(record);
    if (stored.id === record.id) this.deps.notify('requested', stored);
    return stored;
  }
}
