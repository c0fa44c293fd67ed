import type { Principal } from '../core/principal.js';
import type { AuthorizationDecision } from '../ports/authorizer.js';
import type { CatalogEntry } from '../ports/tool-catalog.js';
import type { PipelineDeps } from './pipeline-deps.js';

/**
 * The one visibility rule, used when listing and when resolving a call on every surface: a tool is
 * visible when it and its plugin are active and the authorizer does not deny it to the principal.
 * `ignoreReview` asks whether it would be visible were it approved (to tell a caller it awaits review).
 */
export function toolVisibility(
  deps: PipelineDeps,
  principal: Principal,
  { tool, plugin }: CatalogEntry,
  opts: { ignoreReview?: boolean } = {},
): { visible: true; decision: AuthorizationDecision } | { visible: false; reason: string } {
  const toolActive = tool.status === 'active' || (opts.ignoreReview === true && tool.status === 'pending_review');
  if (!toolActive || plugin.status !== 'active') {
    return { visible: false, reason: `tool is ${tool.status}, plugin is ${plugin.status}` };
  }
  // Visibility asks `list`: argument conditions of policies apply to calls, not to listing.
  const decision = deps.authorizer.decide({ principal, tool, plugin, environment: deps.settings.environment, action: 'list' });
  if (decision.effect === 'deny') return { visible: false, reason: `not visible: ${decision.reason}` };
  return { visible: true, decision };
}
