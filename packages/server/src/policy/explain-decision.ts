import type { AuditDecision } from '../core/audit-event.js';
import type { Grant, GrantAction, GrantEffect } from '../core/grant.js';
import type { PolicyStatus } from '../core/policy.js';
import type { Principal } from '../core/principal.js';
import { decisionWord } from '../core/shadow-diff.js';
import type { AuthorizationInput } from '../ports/authorizer.js';
import type { StatementResult } from './evaluate-policies.js';
import type { GrantFit } from './grant-index.js';
import type { PolicyAuthorizer } from './policy-authorizer.js';
import { whatWouldChange } from './what-would-change.js';

export interface GrantRule {
  readonly kind: 'grant';
  readonly id: string;
  /** `principal:<name>` or `role:<role>`. */
  readonly subject: string;
  /** `plugin:<name>` or `tool:<name>`. */
  readonly target: string;
  readonly effect: GrantEffect;
  readonly actions: readonly GrantAction[];
  readonly environment: string;
  readonly requireApproval: boolean;
  readonly expiresAt: string | null;
}

export interface PolicyRule {
  readonly kind: 'policy';
  readonly id: string;
  readonly name: string;
  readonly effect: 'permit' | 'forbid';
  readonly status: PolicyStatus;
  readonly message?: string;
  /** `@approval("required")`: calls this permit allows still need a human approval. */
  readonly approval: boolean;
  /** The statement's `when`/`unless` condition, as written. */
  readonly condition: string;
}

export type Rule = GrantRule | PolicyRule;

/** A rule an explanation looked at: for grants whether it applied (`fit`), for policy statements whether it matched. */
export type ConsideredRule = (GrantRule & { readonly fit: GrantFit }) | (PolicyRule & { readonly matched: boolean });

export interface Explanation {
  readonly decision: AuditDecision;
  /** The grants and policies that decided (the same ids the audit record of such a call keeps). */
  readonly deciding: readonly Rule[];
  readonly considered: readonly ConsideredRule[];
  readonly reason: string;
  readonly policyVersion: number;
  readonly policyMessage?: string;
  readonly whatWouldChange: readonly string[];
  /** What the candidate set (active plus shadow policies) would decide; absent when no shadow policy is attached. */
  readonly shadow?: { readonly decision: AuditDecision; readonly policyIds: readonly string[]; readonly reason: string };
}

/**
 * Explains one request with the very functions that decide calls (`decideInDetail`, the grant index's
 * own applicability test), so an explanation can never disagree with what a call would get.
 */
export function explainDecision(authorizer: PolicyAuthorizer, input: AuthorizationInput): Explanation {
  const detail = authorizer.decideInDetail(input);
  const { decision } = detail;
  const grants = authorizer.considerGrants(input).map((c) => ({ ...grantRule(c.grant, input.principal), fit: c.fit }));
  const statements = (detail.policies?.statements ?? []).map(statementRule);
  const deciding: Rule[] = [
    ...decision.grantIds.flatMap((id) =>
      grants
        .filter((g) => g.id === id)
        .slice(0, 1)
        .map(withoutFit),
    ),
    ...decision.policyIds.flatMap((id) => decidingStatement(statements, id, decision.effect)),
  ];
  const candidate = authorizer.decideAsCandidate(input);
  const shadow =
    candidate === undefined
      ? undefined
      : { decision: decisionWord(candidate.decision), policyIds: candidate.decision.policyIds, reason: candidate.decision.reason };
  const considered: ConsideredRule[] = [...grants, ...statements];
  return {
    decision: decisionWord(decision),
    deciding,
    considered,
    reason: decision.reason,
    policyVersion: decision.policyVersion,
    ...(decision.policyMessage !== undefined ? { policyMessage: decision.policyMessage } : {}),
    whatWouldChange: whatWouldChange({
      input,
      decision,
      byGrants: detail.byGrants,
      grants,
      statements,
      policyError: detail.policies?.error,
      shadow: shadow && {
        decision: shadow.decision,
        names: authorizer.attachedPolicies(input.tool, 'shadow').map((p) => p.name),
      },
    }),
    ...(shadow ? { shadow } : {}),
  };
}

export function grantRule(g: Grant, principal: Pick<Principal, 'id' | 'name'>): GrantRule {
  // Principal grants are stored by id; the name is what an admin recognises.
  const subject = g.subjectType === 'principal' && g.subject === principal.id ? principal.name : g.subject;
  return {
    kind: 'grant',
    id: g.id,
    subject: `${g.subjectType}:${subject}`,
    target: `${g.targetType}:${g.target}`,
    effect: g.effect,
    actions: g.actions,
    environment: g.environment,
    requireApproval: g.requireApproval,
    expiresAt: g.expiresAt,
  };
}

function withoutFit(g: GrantRule & { fit: GrantFit }): GrantRule {
  const { fit: _fit, ...rule } = g;
  return rule;
}

function statementRule(r: StatementResult): PolicyRule & { matched: boolean } {
  const s = r.statement;
  return {
    kind: 'policy',
    id: s.policy.id,
    name: s.policy.name,
    effect: s.effect,
    status: s.policy.status,
    ...(s.message !== undefined ? { message: s.message } : {}),
    approval: s.approval,
    condition: conditionOf(s.text),
    matched: r.matched,
  };
}

/** The statement of a deciding policy that explains the decision: a matching forbid, else its permit. */
function decidingStatement(statements: readonly (PolicyRule & { matched: boolean })[], id: string, effect: 'allow' | 'deny'): PolicyRule[] {
  const own = statements.filter((s) => s.id === id);
  const pick =
    own.find((s) => effect === 'deny' && s.effect === 'forbid' && s.matched) ??
    own.find((s) => s.effect === 'permit' && (effect === 'deny' || s.matched)) ??
    own[0];
  if (pick === undefined) return [];
  const { matched: _matched, ...rule } = pick;
  return [rule];
}

/** `when { … }` / `unless { … }` of a statement, whitespace collapsed; `always` when it has none. */
export function conditionOf(text: string): string {
  const at = text.search(/\b(when|unless)\s*\{/);
  if (at < 0) return 'always';
  return text.slice(at).replace(/;\s*$/, '').replace(/\s+/g, ' ').trim();
}
