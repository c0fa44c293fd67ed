import type { Tool } from '../../core/tool.js';
import { reviewDigest } from '../../plugins/pinning/reconcile-tools.js';
import { toolView } from './tool-routes.js';

/** Everything an admin needs to judge a tool: the definition now, the one approved before, and why it waits. */
export function toolReviewView(tool: Tool): Record<string, unknown> {
  return {
    ...toolView(tool),
    status: tool.status,
    sourceName: tool.sourceName,
    binding: tool.binding,
    reviewDigest: reviewDigest(tool),
    approvedHash: tool.approvedHash ?? null,
    approvedDefinition: tool.approvedDefinition ?? null,
    review: tool.review ?? null,
    reviewedBy: tool.reviewedBy ?? null,
    reviewedAt: tool.reviewedAt ?? null,
  };
}
