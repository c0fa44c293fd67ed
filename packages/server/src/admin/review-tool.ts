import { GatewayError } from '../core/gateway-error.js';
import type { RiskTier, Tool } from '../core/tool.js';
import { approved } from '../plugins/pinning/reconcile-tools.js';
import type { AdminContext } from './admin-context.js';

export interface ReviewDecision {
  readonly decision: 'approve' | 'reject';
  /**
   * The hash of the definition the admin looked at. The decision applies only if the tool still has it, so
   * a definition that changed while the admin was reading cannot be approved by accident.
   */
  readonly definitionHash: string;
  /** Sets the tier on approval (e.g. accept a server's read-only claim, or raise it). */
  readonly riskTier?: RiskTier;
  readonly actor: string;
}

/**
 * Approves (pins) or rejects a tool's current definition. Usually one waiting in review; an active tool can be
 * re-approved with another risk tier (e.g. accepting an MCP server's read-only claim) or rejected (blocked).
 * A tool gone from its source (`removed`) cannot be decided on.
 */
export async function reviewTool(ctx: AdminContext, name: string, input: ReviewDecision): Promise<Tool> {
  const tool = await ctx.plugins.requireTool(name);
  if (tool.status === 'removed') {
    throw new GatewayError('CONFLICT', {
      message: `Tool "${name}" is no longer offered by its plugin's source. Sync the plugin; it can be reviewed if it comes back.`,
    });
  }
  if (tool.definitionHash !== input.definitionHash) {
    throw new GatewayError('CONFLICT', {
      message: `Tool "${name}" now has definition ${tool.definitionHash}, not the ${input.definitionHash} you reviewed. Show it again and review the current definition.`,
      details: { definitionHash: tool.definitionHash },
    });
  }
  const now = new Date(ctx.clock.now()).toISOString();
  const decided: Tool =
    input.decision === 'approve'
      ? approved({ ...tool, ...(input.riskTier !== undefined ? { riskTier: input.riskTier } : {}) }, input.actor, now)
      : { ...tool, status: 'rejected', reviewedBy: input.actor, reviewedAt: now };
  await ctx.plugins.updateTool(decided, now);
  await ctx.catalog.reload();
  return decided;
}
