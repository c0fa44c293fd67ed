import { GatewayError } from '../core/gateway-error.js';
import type { RiskTier, Tool } from '../core/tool.js';
import { approved, reviewDigest } from '../plugins/pinning/reconcile-tools.js';
import type { AdminContext } from './admin-context.js';

export interface ReviewDecision {
  readonly decision: 'approve' | 'reject';
  /**
   * The `reviewDigest` of what the admin looked at (definition hash, binding, tier, status). The decision
   * applies only if the tool still has it, so nothing that changed while the admin was reading is approved.
   */
  readonly reviewDigest: string;
  /** Sets the tier on approval (e.g. accept a server's read-only claim, or raise it). */
  readonly riskTier?: RiskTier;
  readonly actor: string;
}

/**
 * Approves (pins) or rejects a tool's current definition. Usually one waiting in review; an active tool can be
 * re-approved with another risk tier (e.g. accepting an MCP server's read-only claim) or rejected (blocked:
 * syncs never unblock it). A tool gone from its source (`removed`) cannot be decided on.
 */
export async function reviewTool(ctx: AdminContext, name: string, input: ReviewDecision): Promise<Tool> {
  const found = await ctx.plugins.requireTool(name);
  return ctx.locks.run(found.pluginId, async () => {
    const tool = await ctx.plugins.requireTool(name);
    if (tool.status === 'removed') {
      throw new GatewayError('CONFLICT', {
        message: `Tool "${name}" is no longer offered by its plugin's source. Sync the plugin; it can be reviewed if it comes back.`,
      });
    }
    const current = reviewDigest(tool);
    if (current !== input.reviewDigest) {
      throw new GatewayError('CONFLICT', {
        message: `Tool "${name}" changed since you looked (review digest ${current}, not ${input.reviewDigest}). Show it again and review what is there now.`,
        details: { reviewDigest: current, definitionHash: tool.definitionHash },
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
  });
}
