import type { Grant } from '../core/grant.js';
import type { AuthorizationDecision, AuthorizationInput, Authorizer } from '../ports/authorizer.js';
import type { Clock } from '../ports/clock.js';

/**
 * Grants indexed in memory by subject, so a decision is a few Map lookups however many grants exist.
 * Semantics: deny by default; allows add up; any applicable deny overrides every allow. Among allows,
 * one that does not demand approval is enough (grants are additive permissions).
 */
export class GrantIndex implements Authorizer {
  private bySubject = new Map<string, Grant[]>();

  constructor(private readonly clock: Clock) {}

  load(grants: readonly Grant[]): void {
    const next = new Map<string, Grant[]>();
    for (const g of grants) {
      const key = subjectKey(g.subjectType, g.subject);
      const list = next.get(key);
      if (list) list.push(g);
      else next.set(key, [g]);
    }
    this.bySubject = next;
  }

  decide(input: AuthorizationInput): AuthorizationDecision {
    const now = this.clock.now();
    const allows: Grant[] = [];
    const denies: Grant[] = [];
    const collect = (key: string): void => {
      for (const g of this.bySubject.get(key) ?? []) {
        if (!applies(g, input, now)) continue;
        (g.effect === 'deny' ? denies : allows).push(g);
      }
    };
    collect(subjectKey('principal', input.principal.id));
    for (const role of input.principal.roles) collect(subjectKey('role', role));

    if (denies.length > 0) {
      return {
        effect: 'deny',
        requiresApproval: false,
        grantIds: denies.map((g) => g.id),
        reason: `denied by grant ${denies.map(describe).join(', ')}`,
      };
    }
    if (allows.length === 0) {
      return { effect: 'deny', requiresApproval: false, grantIds: [], reason: 'no grant allows this tool (deny by default)' };
    }
    const direct = allows.filter((g) => !g.requireApproval);
    const deciding = direct.length > 0 ? direct : allows;
    return {
      effect: 'allow',
      requiresApproval: direct.length === 0,
      grantIds: deciding.map((g) => g.id),
      reason: `allowed by grant ${deciding.map(describe).join(', ')}`,
    };
  }
}

function subjectKey(type: Grant['subjectType'], subject: string): string {
  return `${type}:${subject}`;
}

function applies(g: Grant, input: AuthorizationInput, now: number): boolean {
  if (g.environment !== '*' && g.environment !== input.environment) return false;
  if (g.expiresAt !== null && Date.parse(g.expiresAt) <= now) return false;
  return g.targetType === 'plugin' ? g.target === input.plugin.name : g.target === input.tool.name;
}

function describe(g: Grant): string {
  return `${g.id} (${g.subjectType} ${g.subject} → ${g.targetType} ${g.target}, env ${g.environment})`;
}
