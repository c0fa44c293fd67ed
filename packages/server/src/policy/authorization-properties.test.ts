import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRANT_ACTIONS, type Grant, type GrantAction } from '../core/grant.js';
import type { Plugin } from '../core/plugin.js';
import type { Policy } from '../core/policy.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { AuthorizationDecision } from '../ports/authorizer.js';
import { GrantIndex } from './grant-index.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import { PolicyIndex } from './policy-index.js';
import { ZonedNow } from './zoned-now.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const plugin = { name: 'shop' } as Plugin;
const tool = {
  name: 'shop__refund',
  pluginName: 'shop',
  riskTier: 'write',
  definitionHash: 'h',
  inputSchema: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer' } } },
} as unknown as Tool;
const alice: Principal = { id: 'p-alice', name: 'alice', kind: 'user', roles: ['support', 'ops'], disabled: false, createdAt: '' };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const grantArb = fc.record({
  subject: fc.constantFrom(['principal', 'p-alice'], ['principal', 'p-bob'], ['role', 'support'], ['role', 'ops'], ['role', 'sales']),
  target: fc.constantFrom(['tool', 'shop__refund'], ['tool', 'shop__other'], ['plugin', 'shop'], ['plugin', 'crm']),
  environment: fc.constantFrom('*', 'production', 'staging'),
  effect: fc.constantFrom('allow', 'deny'),
  actions: fc.subarray([...GRANT_ACTIONS], { minLength: 1 }),
  requireApproval: fc.boolean(),
  expiresAt: fc.constantFrom(null, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
});

/** Statements whose meaning the properties can predict without Cedar. */
const STATEMENTS = {
  permitAlways: 'permit(principal, action, resource);',
  permitSmall: 'permit(principal, action, resource) when { context.args.amount < 100 };',
  permitWithApproval: '@approval("required")\npermit(principal, action, resource);',
  forbidLarge: '@message("too large")\nforbid(principal, action, resource) when { context.args.amount >= 150 };',
  forbidAlways: '@message("never")\nforbid(principal, action, resource);',
} as const;
type StatementKind = keyof typeof STATEMENTS;

const policyArb = fc.record({
  kind: fc.constantFrom(...(Object.keys(STATEMENTS) as StatementKind[])),
  target: fc.constantFrom(['tool', 'shop__refund'], ['tool', 'shop__other'], ['plugin', 'shop']),
  status: fc.constantFrom('active', 'active', 'shadow'),
});

const scenarioArb = fc.record({
  grants: fc.array(grantArb, { maxLength: 12 }),
  policies: fc.array(policyArb, { maxLength: 6 }),
  amount: fc.integer({ min: 0, max: 200 }),
  action: fc.constantFrom<GrantAction>(...GRANT_ACTIONS),
  seed: fc.integer(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function build(s: Scenario): { grants: Grant[]; policies: Policy[] } {
  const grants = s.grants.map((g, i): Grant => ({
    id: `g${i}`,
    subjectType: g.subject[0] === 'principal' ? 'principal' : 'role',
    subject: g.subject[1] ?? '',
    targetType: g.target[0] === 'tool' ? 'tool' : 'plugin',
    target: g.target[1] ?? '',
    environment: g.environment,
    effect: g.effect === 'deny' ? 'deny' : 'allow',
    actions: g.actions,
    requireApproval: g.requireApproval,
    expiresAt: g.expiresAt,
    createdAt: '',
  }));
  const policies = s.policies.map((p, i): Policy => ({
    id: `pol${i}`,
    name: `policy-${i}-${p.kind}`,
    description: '',
    targetType: p.target[0] === 'tool' ? 'tool' : 'plugin',
    target: p.target[1] ?? '',
    cedar: STATEMENTS[p.kind],
    status: p.status === 'shadow' ? 'shadow' : 'active',
    createdBy: 't',
    createdAt: '',
    updatedAt: '',
  }));
  return { grants, policies };
}

function decide(grants: readonly Grant[], policies: readonly Policy[], s: Scenario): AuthorizationDecision {
  const index = new GrantIndex({ now: () => NOW });
  index.load(grants);
  const policyIndex = new PolicyIndex({}, silent);
  policyIndex.load(policies, 1);
  const authorizer = new PolicyAuthorizer(index, policyIndex, new ZonedNow('UTC'), { now: () => NOW }, silent);
  return authorizer.decide({ principal: alice, tool, plugin, environment: 'production', args: { amount: s.amount }, action: s.action });
}

/** The grant rule written the slow, obvious way. */
function applicableGrants(grants: readonly Grant[], action: GrantAction): Grant[] {
  return grants.filter(
    (g) =>
      (g.subjectType === 'principal' ? g.subject === alice.id : alice.roles.includes(g.subject)) &&
      (g.targetType === 'tool' ? g.target === tool.name : g.target === plugin.name) &&
      (g.environment === '*' || g.environment === 'production') &&
      (g.expiresAt === null || Date.parse(g.expiresAt) > NOW) &&
      (g.actions.includes(action) || (action === 'list' && g.actions.includes('invoke'))),
  );
}

function attached(policies: readonly Policy[]): Policy[] {
  return policies.filter((p) => p.status === 'active' && (p.target === tool.name || p.target === plugin.name));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    const j = Math.abs(x) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('authorization properties (random grants and policies)', () => {
  it('denies by default and lets any deny grant or matching forbid override every allow', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { grants, policies } = build(s);
        const d = decide(grants, policies, s);
        const applicable = applicableGrants(grants, s.action);
        const grantsAllow = applicable.some((g) => g.effect === 'allow') && !applicable.some((g) => g.effect === 'deny');
        if (!grantsAllow) {
          expect(d.effect).toBe('deny');
          expect(d.policyIds).toEqual([]);
          return;
        }
        const kinds = new Set(attached(policies).map((p) => p.cedar));
        if (s.action !== 'invoke' || kinds.size === 0) {
          expect(d.effect).toBe('allow');
          return;
        }
        const forbidden = kinds.has(STATEMENTS.forbidAlways) || (kinds.has(STATEMENTS.forbidLarge) && s.amount >= 150);
        const permits = [STATEMENTS.permitAlways, STATEMENTS.permitWithApproval, STATEMENTS.permitSmall].filter((k) => kinds.has(k));
        const permitted =
          permits.length === 0 ||
          kinds.has(STATEMENTS.permitAlways) ||
          kinds.has(STATEMENTS.permitWithApproval) ||
          (kinds.has(STATEMENTS.permitSmall) && s.amount < 100);
        expect(d.effect).toBe(!forbidden && permitted ? 'allow' : 'deny');
        if (forbidden) expect(d.policyMessage).toMatch(/never|too large/);
      }),
      { numRuns: 150 },
    );
  });

  it('decides the same however grants and policies are ordered', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { grants, policies } = build(s);
        const a = decide(grants, policies, s);
        const b = decide(shuffled(grants, s.seed), shuffled(policies, s.seed ^ 0x5bd1e995), s);
        const comparable = (d: AuthorizationDecision) => ({
          effect: d.effect,
          requiresApproval: d.requiresApproval,
          grantIds: [...d.grantIds].sort(),
          policyIds: [...d.policyIds].sort(),
          policyMessage: d.policyMessage,
        });
        expect(comparable(b)).toEqual(comparable(a));
      }),
      { numRuns: 150 },
    );
  });
});
