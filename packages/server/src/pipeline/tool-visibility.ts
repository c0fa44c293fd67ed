import type { Principal } from '../core/principal.js';
import type { AuthorizationDecision } from '../ports/authorizer.js';
import type { CatalogEntry } from '../ports/tool-catalog.js';
import type { PipelineDeps } from './pipeline-deps.js';

/**
 * The one visibility rule, used when listing and when resolving a call on every surface: a tool is
 * visible when it and its plugin are active and the authorizer does not deny it to the principal.
 */
export function toolVisibility(
  deps: PipelineDeps,
  principal: Principal,
  { tool, plugin }: CatalogEntry,
): { visible: true; decision: AuthorizationDecision } | { visible: false; reason: string } {
  if (tool.status !== 'active' || plugin.status !== 'active') {
    return { visible: false, reason: `tool is ${tool.status}, plugin is ${plugin.status}` };
  }
  const decision = deps.authorizer.decide({ principal, tool, plugin, environment: deps.settings.environment });
  if (decision.effect === 'deny') return { visible: false, reason: `not visible: ${decision.reason}` };
  return { visible: true, decision };
}
