import type { AuditDecision } from '../core/audit-event.js';
import type { GrantAction } from '../core/grant.js';
import type { Principal } from '../core/principal.js';
import { decisionWord } from '../core/shadow-diff.js';
import type { CatalogEntry } from '../ports/tool-catalog.js';
import { grantRule, type GrantRule } from './explain-decision.js';
import type { PolicyAuthorizer } from './policy-authorizer.js';

export interface Holder {
  readonly principal: { readonly id: string; readonly name: string };
  readonly decision: AuditDecision;
  readonly grants: readonly GrantRule[];
}

export interface Reachable {
  readonly tool: string;
  readonly plugin: string;
  readonly decision: AuditDecision;
  readonly grants: readonly GrantRule[];
  /** Active policies on the tool: they may still refuse particular calls (argument, time, network conditions). */
  readonly conditions: readonly string[];
}

/**
 * The principals the grants let do `action` on the tool: the same grant decision calls get, asked for
 * every principal, so role grants come out expanded to the principals holding the role. Disabled
 * principals cannot authenticate and are left out.
 */
export function whoCan(
  authorizer: PolicyAuthorizer,
  principals: readonly Principal[],
  { tool, plugin }: CatalogEntry,
  action: GrantAction,
  environment: string,
): Holder[] {
  const out: Holder[] = [];
  for (const principal of principals) {
    if (principal.disabled) continue;
    const d = authorizer.decideByGrants({ principal, tool, plugin, environment, action });
    if (d.effect === 'deny') continue;
    const grants = authorizer.considerGrants({ principal, tool, plugin, environment, action });
    out.push({
      principal: { id: principal.id, name: principal.name },
      decision: decisionWord(d),
      grants: grants.filter((c) => d.grantIds.includes(c.grant.id)).map((c) => grantRule(c.grant, principal)),
    });
  }
  return out;
}

/** The active tools of active plugins the grants let the principal do `action` on. */
export function whatCan(
  authorizer: PolicyAuthorizer,
  principal: Principal,
  entries: readonly CatalogEntry[],
  action: GrantAction,
  environment: string,
): Reachable[] {
  const out: Reachable[] = [];
  for (const { tool, plugin } of entries) {
    if (tool.status !== 'active' || plugin.status !== 'active') continue;
    const input = { principal, tool, plugin, environment, action };
    const d = authorizer.decideByGrants(input);
    if (d.effect === 'deny') continue;
    out.push({
      tool: tool.name,
      plugin: plugin.name,
      decision: decisionWord(d),
      grants: authorizer
        .considerGrants(input)
        .filter((c) => d.grantIds.includes(c.grant.id))
        .map((c) => grantRule(c.grant, principal)),
      conditions: action === 'invoke' ? authorizer.attachedPolicies(tool).map((p) => p.name) : [],
    });
  }
  return out;
}
