import { describe, expect, it } from 'vitest';
import type { Grant } from '../core/grant.js';
import type { Plugin } from '../core/plugin.js';
import type { Policy } from '../core/policy.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { Logger } from '../ports/logger.js';
import { GrantIndex } from './grant-index.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import { PolicyIndex } from './policy-index.js';
import { validatePolicy } from './validate-policy.js';
import { ZonedNow } from './zoned-now.js';

const plugin = { name: 'shop' } as Plugin;
const refund = {
  name: 'shop__refund_order',
  pluginName: 'shop',
  riskTier: 'write',
  definitionHash: 'h1',
  inputSchema: {
    type: 'object',
    required: ['orderId', 'body'],
    properties: {
      orderId: { type: 'string' },
      body: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' }, reason: { type: 'string' } } },
    },
  },
} as unknown as Tool;
const other = { ...refund, name: 'shop__get_order', inputSchema: { type: 'object', properties: { orderId: { type: 'string' } } } } as Tool;
const alice: Principal = {
  id: 'p-alice',
  name: 'alice',
  kind: 'user',
  roles: ['support'],
  disabled: false,
  createdAt: '',
  attributes: { accountIds: ['o1', 'o2'] },
};
const allowSupport: Grant = {
  id: 'g1',
  subjectType: 'role',
  subject: 'support',
  targetType: 'plugin',
  target: 'shop',
  environment: '*',
  effect: 'allow',
  actions: ['invoke'],
  requireApproval: false,
  expiresAt: null,
  createdAt: '',
};

function policy(name: string, cedar: string, extra: Partial<Policy> = {}): Policy {
  return {
    id: `pol-${name}`,
    name,
    description: '',
    targetType: 'tool',
    target: refund.name,
    cedar,
    status: 'active',
    createdBy: 'test',
    createdAt: '',
    updatedAt: '',
    ...extra,
  };
}

const errors: object[] = [];
const logger: Logger = { info: () => undefined, warn: () => undefined, error: (o) => errors.push(o) };

function authorizer(policies: Policy[], now = Date.parse('2026-06-01T10:30:00Z')) {
  const grants = new GrantIndex({ now: () => now });
  grants.load([allowSupport]);
  const index = new PolicyIndex({ accountIds: 'Set<String>' }, logger);
  index.load(policies, 7);
  return new PolicyAuthorizer(grants, index, new ZonedNow('Europe/Berlin'), { now: () => now }, logger);
}

function call(a: PolicyAuthorizer, args: Record<string, unknown>, tool: Tool = refund) {
  return a.decide({ principal: alice, tool, plugin, environment: 'production', args, action: 'invoke', sourceIp: '10.0.0.5' });
}

const UNDER_100 = 'permit(principal, action, resource) when { context.args.body.amount.lessThan(decimal("100.0")) };';
const OVER_50 =
  '@message("refunds over 50 need a supervisor")\nforbid(principal, action, resource) when { context.args.body.amount.greaterThan(decimal("50.0")) };';

describe('PolicyAuthorizer', () => {
  it('runs only the policies of the called tool, after the grants allowed', () => {
    const a = authorizer([policy('under100', UNDER_100)]);
    expect(call(a, { orderId: 'o1', body: { amount: 20 } })).toMatchObject({
      effect: 'allow',
      policyIds: ['pol-under100'],
      policyVersion: 7,
    });
    expect(call(a, { orderId: 'o1', body: { amount: 120 } })).toMatchObject({
      effect: 'deny',
      policyIds: ['pol-under100'],
      policyMessage: 'no permit policy matched',
    });
    expect(call(a, { orderId: 'o1' }, other)).toMatchObject({ effect: 'allow', policyIds: [], grantIds: ['g1'] });
  });

  it('lets a matching forbid override a matching permit, with its @message', () => {
    const d = call(authorizer([policy('under100', UNDER_100), policy('over50', OVER_50)]), { orderId: 'o1', body: { amount: 70 } });
    expect(d).toMatchObject({ effect: 'deny', policyIds: ['pol-over50'], policyMessage: 'refunds over 50 need a supervisor' });
    expect(d.reason).toContain('g1');
    expect(d.reason).toContain('pol-over50');
    expect(d.reason).toContain('policy version 7');
  });

  it('allows when only forbids are attached and none matches', () => {
    expect(call(authorizer([policy('over50', OVER_50)]), { orderId: 'o1', body: { amount: 10 } }).effect).toBe('allow');
  });

  it('asks for approval only when every matching permit says so', () => {
    const supervised = policy('supervised', `@approval("required")\n${UNDER_100}`);
    expect(call(authorizer([supervised]), { orderId: 'o1', body: { amount: 20 } })).toMatchObject({
      effect: 'allow',
      requiresApproval: true,
    });
    const direct = policy(
      'own',
      'permit(principal, action, resource) when { principal.attrs has accountIds && principal.attrs.accountIds.contains(context.args.orderId) };',
    );
    expect(call(authorizer([supervised, direct]), { orderId: 'o1', body: { amount: 20 } }).requiresApproval).toBe(false);
    expect(call(authorizer([supervised, direct]), { orderId: 'o9', body: { amount: 20 } }).requiresApproval).toBe(true);
  });

  it('tests time in the configured zone, and the caller IP', () => {
    const hours = policy(
      'hours',
      'permit(principal, action, resource) when { context.now.hour >= 9 && context.now.hour < 17 && context.now.weekday != 0 };',
    );
    // 10:30 UTC is 12:30 in Berlin (summer time); 16:30 UTC is 18:30.
    expect(call(authorizer([hours]), { orderId: 'o1', body: { amount: 1 } }).effect).toBe('allow');
    expect(call(authorizer([hours], Date.parse('2026-06-01T16:30:00Z')), { orderId: 'o1', body: { amount: 1 } }).effect).toBe('deny');
    const net = policy(
      'net',
      'permit(principal, action, resource) when { context has sourceIp && context.sourceIp.isInRange(ip("10.0.0.0/8")) };',
    );
    expect(call(authorizer([net]), { orderId: 'o1', body: { amount: 1 } }).effect).toBe('allow');
  });

  it('fails closed when a statement errors during evaluation, and logs it', () => {
    // Long overflow is a runtime error Cedar would otherwise skip, letting the forbid fall away.
    const overflow = policy('overflow', 'forbid(principal, action, resource) when { 9223372036854775807 + context.now.hour > 0 };');
    errors.length = 0;
    const d = call(authorizer([policy('under100', UNDER_100), overflow]), { orderId: 'o1', body: { amount: 20 } });
    expect(d).toMatchObject({ effect: 'deny', policyMessage: 'the policies of this tool could not be evaluated' });
    expect(d.reason).toContain('fail closed');
    expect(errors).toHaveLength(1);
  });

  it('fails closed when arguments cannot be represented exactly', () => {
    expect(call(authorizer([policy('under100', UNDER_100)]), { orderId: 'o1', body: { amount: 99.99999 } }).effect).toBe('deny');
  });

  it('ignores policies when listing, approving, or when the grants already deny', () => {
    const a = authorizer([policy('never', 'forbid(principal, action, resource);')]);
    const base = { principal: alice, tool: refund, plugin, environment: 'production' };
    expect(a.decide({ ...base, action: 'list' }).effect).toBe('allow');
    expect(a.decide({ ...base, principal: { ...alice, roles: [] } })).toMatchObject({ effect: 'deny', policyIds: [] });
    expect(call(a, { orderId: 'o1', body: { amount: 1 } })).toMatchObject({ effect: 'deny', policyIds: ['pol-never'] });
  });

  it('keeps shadow policies out of decisions', () => {
    const a = authorizer([policy('never', 'forbid(principal, action, resource);', { status: 'shadow' })]);
    expect(call(a, { orderId: 'o1', body: { amount: 1 } }).effect).toBe('allow');
    expect(a.evaluate({ principal: alice, tool: refund, plugin, environment: 'production', args: {} }, 'shadow').effect).toBe('deny');
  });
});

describe('validatePolicy', () => {
  it('refuses text that does not parse, with line and column', () => {
    const bad = policy('bad', 'permit(principal, action, resource)\nwhen { context.args.orderId == };');
    expect(() => validatePolicy(bad, [refund], {})).toThrow(expect.objectContaining({ code: 'POLICY_INVALID' }));
    try {
      validatePolicy(bad, [refund], {});
    } catch (err) {
      expect((err as { details: { problems: { line: number }[] } }).details.problems[0]?.line).toBe(2);
    }
  });

  it('refuses attributes a tool does not have, naming the tool', () => {
    const p = policy('typo', 'permit(principal, action, resource) when { context.args.body.amout.lessThan(decimal("1.0")) };');
    expect(() => validatePolicy(p, [refund], {})).toThrow(/amout/);
    try {
      validatePolicy(p, [refund], {});
    } catch (err) {
      expect((err as { details: { problems: { tool: string }[] } }).details.problems[0]?.tool).toBe(refund.name);
    }
  });

  it('validates a plugin policy against every tool of the plugin', () => {
    const p = policy('all', UNDER_100, { targetType: 'plugin', target: 'shop' });
    expect(() => validatePolicy(p, [refund], {})).not.toThrow();
    expect(() => validatePolicy(p, [refund, other], {})).toThrow(/shop__get_order|body/);
    const guarded = policy(
      'guarded',
      'forbid(principal, action, resource) when { context.args has body && context.args.body.amount.greaterThan(decimal("5.0")) };',
    );
    expect(() => validatePolicy(guarded, [refund, other], {})).not.toThrow();
  });

  it('refuses an unknown principal attribute and a bad @approval', () => {
    const p = policy('attr', 'permit(principal, action, resource) when { principal.attrs.region == "eu" };');
    expect(() => validatePolicy(p, [refund], { accountIds: 'Set<String>' })).toThrow(expect.objectContaining({ code: 'POLICY_INVALID' }));
    const q = policy('appr', `@approval("maybe")\n${UNDER_100}`);
    expect(() => validatePolicy(q, [refund], {})).toThrow(/@approval/);
  });
});
