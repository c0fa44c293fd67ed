import { describe, expect, it } from 'vitest';
import type { Grant } from '../core/grant.js';
import type { Plugin } from '../core/plugin.js';
import type { Policy } from '../core/policy.js';
import type { Principal } from '../core/principal.js';
import type { ShadowDiff } from '../core/shadow-diff.js';
import type { Tool } from '../core/tool.js';
import type { Logger } from '../ports/logger.js';
import { explainDecision } from './explain-decision.js';
import { GrantIndex } from './grant-index.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import { PolicyIndex } from './policy-index.js';
import { ZonedNow } from './zoned-now.js';

const NOW = Date.parse('2026-06-01T10:30:00Z');
const plugin = { name: 'shop' } as Plugin;
const refund = {
  name: 'shop__refund_order',
  pluginName: 'shop',
  riskTier: 'write',
  definitionHash: 'h1',
  inputSchema: {
    type: 'object',
    required: ['orderId', 'body'],
    properties: { orderId: { type: 'string' }, body: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } } },
  },
} as unknown as Tool;
const alice: Principal = { id: 'p-alice', name: 'alice', kind: 'user', roles: ['support'], disabled: false, createdAt: '' };

function grant(id: string, extra: Partial<Grant> = {}): Grant {
  return {
    id,
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
    ...extra,
  };
}

function policy(name: string, cedar: string, status: Policy['status'] = 'active'): Policy {
  const t = { createdBy: 't', createdAt: '', updatedAt: '' };
  return { id: `pol-${name}`, name, description: '', targetType: 'tool', target: refund.name, cedar, status, ...t };
}

const logger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const LIMIT =
  '@message("Refunds of 100 EUR or more need a supervisor.")\nforbid(principal, action, resource)\nwhen { !context.args.body.amount.lessThan(decimal("100.0")) };';
const SUPERVISED =
  '@approval("required")\npermit(principal, action, resource) when { context.args.body.amount.lessThan(decimal("1000.0")) };';

function setup(grants: Grant[], policies: Policy[] = [], diffs: ShadowDiff[] = []): PolicyAuthorizer {
  const index = new GrantIndex({ now: () => NOW });
  index.load(grants);
  const policyIndex = new PolicyIndex({}, logger);
  policyIndex.load(policies, 3);
  const sink = { record: (d: ShadowDiff) => Promise.resolve(void diffs.push(d)) };
  return new PolicyAuthorizer(index, policyIndex, new ZonedNow('UTC'), { now: () => NOW }, logger, sink);
}

const request = (amount: number) => ({
  principal: alice,
  tool: refund,
  plugin,
  environment: 'production',
  args: { orderId: 'o1', body: { amount } },
});

describe('explainDecision', () => {
  it('names the missing grant when denied by default, and the grants that did not apply', () => {
    const a = setup([grant('g-list', { actions: ['list'] }), grant('g-old', { expiresAt: '2026-05-01T00:00:00.000Z' })]);
    const e = explainDecision(a, request(5));
    expect(e.decision).toBe('deny');
    expect(e.deciding).toEqual([]);
    expect(e.considered).toMatchObject([
      { kind: 'grant', id: 'g-list', fit: 'other_action' },
      { kind: 'grant', id: 'g-old', fit: 'expired' },
    ]);
    expect(e.whatWouldChange).toEqual([
      'add an invoke grant on tool shop__refund_order or plugin shop to principal alice or one of its roles (support)',
      'grant g-list covers list, not invoke: add invoke to it',
      'the grant g-old expired at 2026-05-01T00:00:00.000Z: renew it',
    ]);
  });

  it('names a deny grant as the deciding rule, and its removal as the change', () => {
    const deny = grant('g-123', { subjectType: 'principal', subject: 'p-alice', targetType: 'tool', target: refund.name, effect: 'deny' });
    const e = explainDecision(setup([grant('g1'), deny]), request(5));
    expect(e.decision).toBe('deny');
    expect(e.deciding).toEqual([expect.objectContaining({ kind: 'grant', id: 'g-123', subject: 'principal:alice', effect: 'deny' })]);
    expect(e.whatWouldChange).toEqual(['remove deny grant g-123 (principal:alice → tool:shop__refund_order)']);
  });

  it('names a matching forbid policy with its message and the condition to avoid', () => {
    const a = setup([grant('g1')], [policy('refund-limit', LIMIT)]);
    const e = explainDecision(a, request(150));
    expect(e).toMatchObject({ decision: 'deny', policyVersion: 3, policyMessage: 'Refunds of 100 EUR or more need a supervisor.' });
    expect(e.deciding).toEqual([
      expect.objectContaining({ kind: 'grant', id: 'g1' }),
      expect.objectContaining({
        kind: 'policy',
        id: 'pol-refund-limit',
        name: 'refund-limit',
        effect: 'forbid',
        message: 'Refunds of 100 EUR or more need a supervisor.',
      }),
    ]);
    expect(e.considered).toContainEqual(expect.objectContaining({ kind: 'policy', name: 'refund-limit', matched: true }));
    expect(e.whatWouldChange).toContain(
      'policy refund-limit forbids when { !context.args.body.amount.lessThan(decimal("100.0")) }: a call for which that does not hold would pass it',
    );
    // The same request under the limit passes, and the forbid shows as considered but not matched.
    const small = explainDecision(a, request(5));
    expect(small.decision).toBe('allow');
    expect(small.considered).toContainEqual(expect.objectContaining({ name: 'refund-limit', matched: false }));
  });

  it('names the @approval permit when approval is required by policy', () => {
    const e = explainDecision(setup([grant('g1')], [policy('supervised', SUPERVISED)]), request(5));
    expect(e.decision).toBe('approval_required');
    expect(e.deciding).toContainEqual(expect.objectContaining({ kind: 'policy', name: 'supervised', effect: 'permit', approval: true }));
    expect(e.whatWouldChange).toContain(
      'policy supervised permits with @approval("required"): a matching permit without it would let the call run directly',
    );
  });

  it('reports what the shadow policies would decide, without recording a difference', () => {
    const diffs: ShadowDiff[] = [];
    const a = setup([grant('g1')], [policy('refund-limit', LIMIT, 'shadow')], diffs);
    const e = explainDecision(a, request(150));
    expect(e.decision).toBe('allow');
    expect(e.shadow).toMatchObject({ decision: 'deny', policyIds: ['pol-refund-limit'] });
    expect(e.whatWouldChange).toContain('activating the shadow policies (refund-limit) would make this deny');
    expect(diffs).toEqual([]);
  });
});

describe('shadow comparison in decide', () => {
  it('records a difference but keeps the live decision', () => {
    const diffs: ShadowDiff[] = [];
    const a = setup([grant('g1')], [policy('refund-limit', LIMIT, 'shadow')], diffs);
    expect(a.decide({ ...request(150), action: 'invoke' }).effect).toBe('allow');
    expect(a.decide({ ...request(5), action: 'invoke' }).effect).toBe('allow');
    expect(diffs).toEqual([
      expect.objectContaining({
        tool: refund.name,
        principalName: 'alice',
        live: 'allow',
        shadow: 'deny',
        shadowPolicyIds: ['pol-refund-limit'],
        error: null,
      }),
    ]);
    expect(diffs[0]?.argsDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records an evaluation error of the shadow set as a difference, still allowing', () => {
    const diffs: ShadowDiff[] = [];
    const a = setup([grant('g1')], [policy('refund-limit', LIMIT, 'shadow')], diffs);
    // 5 fractional digits cannot be a Cedar decimal: the candidate set fails closed, the live one is unaffected.
    expect(a.decide({ ...request(1.00001), action: 'invoke' }).effect).toBe('allow');
    expect(diffs).toEqual([expect.objectContaining({ live: 'allow', shadow: 'deny', error: expect.stringContaining('') })]);
    expect(diffs[0]?.error).not.toBeNull();
  });
});
