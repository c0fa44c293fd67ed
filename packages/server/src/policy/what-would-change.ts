import type { AuditDecision } from '../core/audit-event.js';
import { decisionWord } from '../core/shadow-diff.js';
import type { AuthorizationDecision, AuthorizationInput } from '../ports/authorizer.js';
import type { GrantRule, PolicyRule } from './explain-decision.js';
import type { GrantFit } from './grant-index.js';

export interface ChangeFacts {
  readonly input: AuthorizationInput;
  readonly decision: AuthorizationDecision;
  readonly byGrants: AuthorizationDecision;
  readonly grants: readonly (GrantRule & { readonly fit: GrantFit })[];
  readonly statements: readonly (PolicyRule & { readonly matched: boolean })[];
  readonly policyError: string | undefined;
  readonly shadow: { readonly decision: AuditDecision; readonly names: readonly string[] } | undefined;
}

/**
 * Short, concrete sentences naming the rule to add, remove or satisfy to turn the decision around.
 * They follow the decision order (grants, then policies), so the first sentence is the first obstacle.
 */
export function whatWouldChange(f: ChangeFacts): string[] {
  const out = [...grantChanges(f), ...policyChanges(f)];
  if (f.shadow && f.shadow.decision !== decisionWord(f.decision)) {
    out.push(`activating the shadow policies (${f.shadow.names.join(', ')}) would make this ${f.shadow.decision}`);
  }
  return out;
}

function grantChanges(f: ChangeFacts): string[] {
  const { input, byGrants } = f;
  const action = input.action ?? 'invoke';
  const roles = input.principal.roles;
  const who = `principal ${input.principal.name}${roles.length > 0 ? ` or one of its roles (${roles.join(', ')})` : ''}`;
  const deciding = f.grants.filter((g) => byGrants.grantIds.includes(g.id));
  if (byGrants.effect === 'deny' && deciding.length > 0) {
    return deciding.map((g) => `remove deny grant ${g.id} (${g.subject} → ${g.target})`);
  }
  if (byGrants.effect === 'deny') {
    const out = [`add an ${action} grant on tool ${input.tool.name} or plugin ${input.plugin.name} to ${who}`];
    for (const g of f.grants.filter((x) => x.effect === 'allow')) {
      if (g.fit === 'expired') out.push(`the grant ${g.id} expired at ${g.expiresAt ?? '?'}: renew it`);
      if (g.fit === 'other_action') out.push(`grant ${g.id} covers ${g.actions.join(', ')}, not ${action}: add ${action} to it`);
      if (g.fit === 'other_environment') {
        out.push(
          `grant ${g.id} applies only in environment ${g.environment}, not ${input.environment}: widen it to * or ${input.environment}`,
        );
      }
    }
    return out;
  }
  const ids = deciding.map((g) => g.id).join(', ');
  const out = [
    `remove grant ${ids}${deciding.length > 1 ? ' (all of them)' : ''}, or add a deny grant for ${action} on tool ${input.tool.name} to principal ${input.principal.name}`,
  ];
  if (byGrants.requiresApproval) {
    out.push(`grant ${ids} requires approval: an allow grant without approval would let the call run directly`);
  }
  return out;
}

function policyChanges(f: ChangeFacts): string[] {
  if (f.byGrants.effect === 'deny' || f.statements.length === 0) return [];
  if (f.policyError !== undefined) {
    return [`the policies of tool ${f.input.tool.name} could not be evaluated (${f.policyError}): fix them or the arguments`];
  }
  const forbids = f.statements.filter((s) => s.effect === 'forbid');
  const permits = f.statements.filter((s) => s.effect === 'permit');
  const out: string[] = [];
  for (const s of forbids) {
    out.push(
      s.matched
        ? `policy ${s.name} forbids ${s.condition}: a call for which that does not hold would pass it`
        : `policy ${s.name} would forbid ${s.condition}`,
    );
  }
  const matchedPermits = permits.filter((s) => s.matched);
  if (permits.length > 0 && matchedPermits.length === 0) {
    for (const s of permits) out.push(`policy ${s.name} permits only ${s.condition}: a call meeting that would pass it`);
  }
  // Only when the policies (not the grants) asked for the approval.
  const approving = f.byGrants.requiresApproval ? [] : matchedPermits.filter((s) => s.approval && f.decision.requiresApproval);
  for (const s of approving) {
    out.push(`policy ${s.name} permits with @approval("required"): a matching permit without it would let the call run directly`);
  }
  return out;
}
