import { describe, expect, it } from 'vitest';
import type { Plugin } from '../core/plugin.js';
import type { Policy } from '../core/policy.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { AuthorizationInput } from '../ports/authorizer.js';
import type { PrincipalAttributeTypes } from './cedar-schema.js';
import { cedarEquals, likeMatches, NeedsCedar, WILDCARD } from './cedar-js-values.js';
import { compileStatement } from './compile-statement.js';
import { evaluatePolicies, type PolicyOutcome } from './evaluate-policies.js';
import { PolicyIndex } from './policy-index.js';
import { ZonedNow } from './zoned-now.js';

const plugin = { name: 'shop' } as Plugin;
const tool = {
  name: 'shop__refund',
  pluginName: 'shop',
  riskTier: 'write',
  definitionHash: 'h',
  inputSchema: {
    type: 'object',
    required: ['amount'],
    properties: {
      amount: { type: 'integer' },
      name: { type: 'string' },
      price: { type: 'number' },
      tags: { type: 'array', items: { type: 'string' } },
    },
  },
} as unknown as Tool;
const alice: Principal = {
  id: 'p-alice',
  name: 'alice',
  kind: 'user',
  roles: ['support'],
  disabled: false,
  createdAt: '',
  attributes: { team: 'eu' },
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const zonedNow = new ZonedNow('UTC');
const base: AuthorizationInput = {
  principal: alice,
  tool,
  plugin,
  environment: 'production',
  args: { amount: 5, name: 'a*b' },
  action: 'invoke',
};

function policy(cedar: string, i = 0): Policy {
  return {
    id: `pol${i}`,
    name: `p${i}`,
    description: '',
    targetType: 'tool',
    target: tool.name,
    cedar,
    status: 'active',
    createdBy: 't',
    createdAt: '',
    updatedAt: '',
  };
}

/** Decides with both engines, checks they agree, and says which engine the index chose. */
function decide(cedar: string | string[], input: Partial<AuthorizationInput> = {}, types: PrincipalAttributeTypes = { team: 'String' }) {
  const index = new PolicyIndex(types, silent);
  index.load((Array.isArray(cedar) ? cedar : [cedar]).map(policy), 1);
  const compiled = index.forTool(tool);
  if (!compiled) throw new Error('no policies attached');
  const env = { now: Date.UTC(2026, 5, 1, 10), zonedNow, attributeTypes: types };
  const outcome = evaluatePolicies(compiled, { ...base, ...input }, env);
  const wasm = evaluatePolicies({ ...compiled, js: undefined }, { ...base, ...input }, env);
  expect(summary(outcome)).toEqual(summary(wasm));
  return { ...summary(outcome), fastPath: compiled.js !== undefined };
}

function summary(o: PolicyOutcome): { effect: string; failed: boolean; matched: boolean[] } {
  return { effect: o.effect, failed: o.error !== undefined, matched: o.statements.map((s) => s.matched) };
}

const when = (cond: string) => `permit(principal, action, resource) when { ${cond} };`;
const allow = { effect: 'allow', failed: false, fastPath: true };
const deny = { effect: 'deny', failed: false, fastPath: true };
const error = { effect: 'deny', failed: true, fastPath: true };

describe('compiled statements (JavaScript fast path)', () => {
  it('treats == between different types as false, not an error', () => {
    expect(decide(when('context.args.amount == "5"'))).toMatchObject(deny);
    expect(decide(when('context.args.amount != "5"'))).toMatchObject(allow);
    expect(decide(when('principal == "p-alice"'))).toMatchObject(deny);
    expect(decide(when('[1, 1, 2] == [2, 1]'))).toMatchObject(allow);
    expect(decide(when('{a: 1} == {a: 1, b: 2}'))).toMatchObject(deny);
  });

  it('errors (and so denies) on comparisons of non-longs and on non-boolean operands', () => {
    expect(decide(when('context.args.name < "b"'))).toMatchObject(error);
    expect(decide(when('context.args.price < context.args.price'), { args: { amount: 1, price: 1.5 } })).toMatchObject(error);
    expect(decide(when('context.args.amount && true'))).toMatchObject(error);
    expect(decide(when('!context.args.amount'))).toMatchObject(error);
    expect(decide(when('if 1 then true else true'))).toMatchObject(error);
    expect(decide(when('context.args.amount'))).toMatchObject(error);
  });

  it('errors on a missing attribute and answers `has` without error', () => {
    expect(decide(when('context.args.name == "x"'), { args: { amount: 1 } })).toMatchObject(error);
    expect(decide(when('context.args has name'), { args: { amount: 1 } })).toMatchObject(deny);
    expect(decide(when('context.args has name && context.args.name == "a*b"'))).toMatchObject(allow);
    expect(decide(when('principal has attrs.team && principal.attrs.team == "eu"'))).toMatchObject(allow);
    expect(decide(when('principal has name.first'))).toMatchObject(error);
    // Entities that do not exist: `has` is false, reading an attribute errors.
    expect(decide(when('Toolgate::Principal::"nobody" has name'))).toMatchObject(deny);
    expect(decide(when('action.name == "invoke"'))).toMatchObject(error);
  });

  it('matches like patterns with wildcards and escaped stars', () => {
    expect(decide(when('context.args.name like "a\\*b"'))).toMatchObject(allow);
    expect(decide(when('context.args.name like "a\\*b"'), { args: { amount: 1, name: 'axb' } })).toMatchObject(deny);
    expect(decide(when('context.args.name like "a*b"'), { args: { amount: 1, name: 'axxb' } })).toMatchObject(allow);
    expect(decide(when('context.args.name like "*a*a*"'), { args: { amount: 1, name: 'bab' } })).toMatchObject(deny);
    expect(decide(when('context.args.amount like "*"'))).toMatchObject(error);
    expect(likeMatches('é😀', ['é', WILDCARD])).toBe(true);
    expect(likeMatches('', [WILDCARD, WILDCARD])).toBe(true);
  });

  it('short-circuits && and || and evaluates only the chosen if-branch', () => {
    expect(decide(when('false && context.args.missing == 1'))).toMatchObject(deny);
    expect(decide(when('true || context.args.missing == 1'))).toMatchObject(allow);
    expect(decide(when('if true then true else context.args.missing'))).toMatchObject(allow);
    expect(decide(when('true && context.args.missing == 1'))).toMatchObject(error);
    expect(decide(when('principal is Toolgate::Tool in 1'))).toMatchObject(deny);
  });

  it('negates unless clauses and conjoins clauses in order', () => {
    expect(decide('permit(principal, action, resource) unless { context.args.amount > 3 };')).toMatchObject(deny);
    expect(decide('permit(principal, action, resource) unless { context.args.amount > 9 };')).toMatchObject(allow);
    expect(decide('permit(principal, action, resource) when { false } unless { context.args.missing };')).toMatchObject(deny);
  });

  it('applies scope constraints before conditions', () => {
    expect(decide('permit(principal == Toolgate::Principal::"p-alice", action, resource);')).toMatchObject(allow);
    expect(decide('permit(principal == Toolgate::Principal::"p-bob", action, resource) when { context.args.missing };')).toMatchObject(
      deny,
    );
    expect(decide('permit(principal in Toolgate::Principal::"p-alice", action in [Toolgate::Action::"invoke"], resource);')).toMatchObject(
      allow,
    );
    expect(
      decide('permit(principal is Toolgate::Principal, action, resource is Toolgate::Tool in Toolgate::Tool::"shop__refund");'),
    ).toMatchObject(allow);
    expect(decide('permit(principal, action == Toolgate::Action::"list", resource);')).toMatchObject(deny);
  });

  it('keeps the set semantics of in, contains, containsAll, containsAny and isEmpty', () => {
    expect(decide(when('principal in [resource, principal]'))).toMatchObject(allow);
    expect(decide(when('principal in [principal, "x"]'))).toMatchObject(error);
    expect(decide(when('principal in principal.roles'))).toMatchObject(error);
    expect(decide(when('principal.roles.contains("support")'))).toMatchObject(allow);
    expect(decide(when('principal.roles.containsAll(["support", "ops"])'))).toMatchObject(deny);
    expect(decide(when('principal.roles.containsAny(["support", 1])'))).toMatchObject(allow);
    expect(decide(when('context.args.tags.isEmpty()'), { args: { amount: 1, tags: [] } })).toMatchObject(allow);
    expect(decide(when('principal.name.contains("a")'))).toMatchObject(error);
  });

  it('applies forbid over permit, fails closed on any erring statement, and keeps @approval', () => {
    const forbid = '@message("too many")\nforbid(principal, action, resource) when { context.args.amount > 3 };';
    // On a denial the forbids decide; the matching permit is not among the deciding statements.
    expect(decide([when('true'), forbid])).toMatchObject({ ...deny, matched: [false, true] });
    expect(decide([when('true'), when('context.args.missing')])).toMatchObject(error);
    const index = new PolicyIndex({}, silent);
    index.load([policy('@approval("required")\npermit(principal, action, resource);')], 1);
    const compiled = index.forTool(tool);
    expect(compiled?.js).toBeDefined();
    if (!compiled) return;
    const outcome = evaluatePolicies(compiled, base, { now: 0, zonedNow, attributeTypes: {} });
    expect(outcome).toMatchObject({ effect: 'allow', requiresApproval: true, policyIds: ['pol0'] });
  });
});

describe('statements outside the subset', () => {
  it('are refused by the compiler', () => {
    for (const cond of [
      'context.sourceIp.isInRange(ip("10.0.0.0/8"))',
      'context.args.price.lessThan(decimal("10.0"))',
      'context.args.amount + 1 > 2',
      '-context.args.amount < 0',
      'principal.hasTag("x")',
      'context.args.amount < 9223372036854775807',
      'context.now.epochSeconds > datetime("2026-01-01").toDate()',
    ]) {
      expect(compileStatement(when(cond)).ok, cond).toBe(false);
    }
  });

  it('keep the whole set of the tool on cedar-wasm, which still decides them', () => {
    const inRange = when('context has sourceIp && context.sourceIp.isInRange(ip("10.0.0.0/8"))');
    expect(decide(inRange, { sourceIp: '10.1.2.3' })).toEqual({ effect: 'allow', failed: false, matched: [true], fastPath: false });
    expect(decide(inRange, { sourceIp: '192.168.1.1' })).toEqual({ effect: 'deny', failed: false, matched: [false], fastPath: false });
    const cheap = when('context.args.price.lessThan(decimal("10.0"))');
    expect(decide([cheap, when('true')], { args: { amount: 1, price: 9.5 } })).toMatchObject({ effect: 'allow', fastPath: false });
    expect(decide([cheap, when('true')], { args: { amount: 1, price: 10.5 } })).toMatchObject({
      effect: 'allow',
      matched: [false, true],
      fastPath: false,
    });
  });

  it('use cedar-wasm when a principal attribute is named like a Cedar JSON escape', () => {
    expect(decide(when('true'), {}, { __entity: 'String' })).toMatchObject({ effect: 'allow', fastPath: false });
  });

  it('leave comparisons of two different ipaddr values to cedar-wasm', () => {
    const a = { __extn: { fn: 'ip', arg: '10.0.0.1' } };
    expect(cedarEquals(a, { __extn: { fn: 'ip', arg: '10.0.0.1' } })).toBe(true);
    expect(() => cedarEquals(a, { __extn: { fn: 'ip', arg: '::ffff:10.0.0.1' } })).toThrow(NeedsCedar);
    expect(cedarEquals({ __extn: { fn: 'decimal', arg: '1.5' } }, { __extn: { fn: 'decimal', arg: '1.50' } })).toBe(false);
  });
});
