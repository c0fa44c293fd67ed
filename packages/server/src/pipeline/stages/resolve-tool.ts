import { GatewayError } from '../../core/gateway-error.js';
import type { AuthenticatedCall, ResolvedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';
import { toolVisibility } from '../tool-visibility.js';

/**
 * Finds the tool. A tool that does not exist, is not active, or that the caller may not invoke is
 * reported the same way, so callers cannot probe for tools they cannot see. The one exception: a caller
 * who may invoke a tool that was approved before and now waits for review (its definition changed) is told
 * so, since it was theirs to use. A new, never approved tool stays invisible.
 */
export function resolveTool(deps: PipelineDeps, call: AuthenticatedCall): ResolvedCall {
  const entry = deps.catalog.get(call.toolName);
  if (!entry) throw new GatewayError('TOOL_NOT_FOUND', { reason: 'no tool with this name' });
  const visibility = toolVisibility(deps, call.principal, entry);
  if (!visibility.visible) {
    const wasApproved = entry.tool.approvedHash !== undefined;
    if (
      entry.tool.status === 'pending_review' &&
      wasApproved &&
      toolVisibility(deps, call.principal, entry, { ignoreReview: true }).visible
    ) {
      throw new GatewayError('TOOL_PENDING_REVIEW', { reason: `definition ${entry.tool.definitionHash} awaits review` });
    }
    throw new GatewayError('TOOL_NOT_FOUND', { reason: visibility.reason });
  }
  return { ...call, tool: entry.tool, plugin: entry.plugin };
}
