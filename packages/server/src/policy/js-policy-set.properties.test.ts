import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plugin } from '../core/plugin.js';
import type { Policy } from '../core/policy.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { AuthorizationInput } from '../ports/authorizer.js';
import { evaluatePolicies, type PolicyOutcome } from './evaluate-policies.js';
import { PolicyIndex } from './policy-index.js';
import { ZonedNow } from './zoned-now.js';

/**
 * Differential test of the JavaScript fast path: random statements from the supported grammar (some of
 * them ill-typed on purpose) and random requests, decided once by the compiled statements and once by
 * cedar-wasm on the very same request; decision, errors and matched statements must agree.
 */
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
      flag: { type: 'boolean' },
      price: { type: 'number' },
      tags: { type: 'array', items: { type: 'string' } },
      prices: { type: 'array', items: { type: 'number' } },
      nested: {
        type: 'object',
        properties: { region: { type: 'string' }, code: { type: 'integer' }, type: { type: 'string' }, id: { type: 'string' } },
      },
    },
  },
} as unknown as Tool;
const ATTRIBUTE_TYPES = { team: 'String', level: 'Long', accounts: 'Set<String>' } as const;
const zonedNow = new ZonedNow('UTC');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const str = fc.constantFrom('"a"', '""', '"shop__refund"', '"support"', '"production"', '"rest"', '"eu*"', '"x*y"', '"p-alice"');
const lng = fc.constantFrom('0', '1', '(-1)', '12', '100', '150', '9007199254740991', '(-9007199254740991)');
const strLeaf = fc.oneof(
  str,
  fc.constantFrom(
    'context.args.name',
    'context.environment',
    'context.surface',
    'principal.name',
    'principal.kind',
    'resource.riskTier',
    'resource.name',
    'resource.plugin',
    'context.args.nested.region',
    'principal.attrs.team',
    'context.now.date',
  ),
);
const longLeaf = fc.oneof(
  lng,
  fc.constantFrom('context.args.amount', 'context.args.nested.code', 'context.now.hour', 'principal.attrs.level'),
);
const entityLeaf = fc.constantFrom(
  'principal',
  'resource',
  'action',
  'Toolgate::Principal::"p-alice"',
  'Toolgate::Principal::"p-bob"',
  'Toolgate::Tool::"shop__refund"',
  'Toolgate::Principal::"nobody"',
  'Toolgate::Action::"invoke"',
);
const recordLeaf = fc.constantFrom(
  'context.args',
  'context.args.nested',
  'context.now',
  '{a: 1, b: "x"}',
  '{}',
  '{type: "t", id: "i"}',
  'context',
);
const extLeaf = fc.constantFrom('context.args.price', 'context.sourceIp');
const boolLeaf = fc.constantFrom('true', 'false', 'context.args.flag');
const attrName = fc.constantFrom(
  'name',
  'amount',
  'region',
  'code',
  'attrs',
  'team',
  'level',
  'roles',
  'a',
  'missing',
  'hour',
  'type',
  'nested',
);

const { bool: boolExpr } = fc.letrec<{ bool: string; long: string; string: string; set: string; any: string }>((tie) => ({
  long: fc.oneof(
    { weight: 4, arbitrary: longLeaf },
    { weight: 1, arbitrary: fc.tuple(tie('bool'), longLeaf, longLeaf).map(([c, a, b]) => `(if ${c} then ${a} else ${b})`) },
  ),
  string: strLeaf,
  set: fc.oneof(
    fc.constantFrom(
      'principal.roles',
      'context.args.tags',
      'principal.attrs.accounts',
      'context.args.prices',
      '[]',
      '[1, 2]',
      '["support", "ops"]',
      '[principal, resource]',
    ),
    fc.array(fc.oneof(str, lng, entityLeaf), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
  ),
  any: fc.oneof(tie('long'), tie('string'), tie('set'), entityLeaf, recordLeaf, extLeaf, boolLeaf),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    boolLeaf,
    fc.tuple(tie('long'), fc.constantFrom('<', '<=', '>', '>='), tie('long')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('any'), fc.constantFrom('<', '>='), tie('any')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('any'), fc.constantFrom('==', '!='), tie('any')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('string'), fc.constantFrom('==', '!='), tie('string')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.oneof(recordLeaf, entityLeaf, tie('any')), attrName).map(([e, a]) => `${e} has ${a}`),
    fc.tuple(fc.oneof(recordLeaf, entityLeaf), attrName, attrName).map(([e, a, b]) => `${e} has ${a}.${b}`),
    fc.tuple(fc.oneof(recordLeaf, entityLeaf, tie('any')), attrName, tie('any')).map(([e, a, v]) => `${e}.${a} == ${v}`),
    fc
      .tuple(fc.oneof(tie('string'), tie('any')), fc.constantFrom('"*"', '"eu*"', '"*a*"', '"a\\*"', '"shop__*"', '"p-*e"', '""', '"**"'))
      .map(([s, p]) => `${s} like ${p}`),
    fc.tuple(fc.oneof(tie('set'), tie('any')), tie('any')).map(([s, v]) => `${s}.contains(${v})`),
    fc
      .tuple(fc.oneof(tie('set'), tie('any')), fc.constantFrom('containsAll', 'containsAny'), fc.oneof(tie('set'), tie('any')))
      .map(([s, f, t]) => `${s}.${f}(${t})`),
    fc.oneof(tie('set'), tie('any')).map((s) => `${s}.isEmpty()`),
    fc.tuple(fc.oneof(entityLeaf, tie('any')), fc.oneof(entityLeaf, tie('set'), tie('any'))).map(([a, b]) => `${a} in ${b}`),
    fc
      .tuple(fc.oneof(entityLeaf, tie('any')), fc.constantFrom('Toolgate::Principal', 'Toolgate::Tool', 'Toolgate::Action'))
      .map(([e, t]) => `${e} is ${t}`),
    fc
      .tuple(entityLeaf, fc.constantFrom('Toolgate::Principal', 'Toolgate::Tool'), fc.oneof(entityLeaf, tie('any')))
      .map(([e, t, i]) => `${e} is ${t} in ${i}`),
    fc
      .tuple(
        tie('bool'),
        fc.constantFrom('&&', '||'),
        fc.oneof({ weight: 4, arbitrary: tie('bool') }, { weight: 1, arbitrary: tie('any') }),
      )
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.oneof({ weight: 4, arbitrary: tie('bool') }, { weight: 1, arbitrary: tie('any') })).map(([a]) => `!(${a})`),
    fc
      .tuple(
        fc.oneof({ weight: 4, arbitrary: tie('bool') }, { weight: 1, arbitrary: tie('any') }),
        tie('bool'),
        fc.oneof(tie('bool'), tie('any')),
      )
      .map(([c, t, e]) => `(if ${c} then ${t} else ${e})`),
    fc.tuple(tie('any'), attrName).map(([v, a]) => `{${a}: ${v}} == {${a}: ${v}}`),
  ),
}));

const scope = fc.record({
  principal: fc.constantFrom(
    'principal',
    'principal == Toolgate::Principal::"p-alice"',
    'principal in Toolgate::Principal::"p-bob"',
    'principal is Toolgate::Principal',
    'principal is Toolgate::Principal in Toolgate::Principal::"p-alice"',
    'principal is Toolgate::Tool',
  ),
  action: fc.constantFrom(
    'action',
    'action == Toolgate::Action::"invoke"',
    'action in [Toolgate::Action::"list", Toolgate::Action::"invoke"]',
    'action in Toolgate::Action::"list"',
  ),
  resource: fc.constantFrom(
    'resource',
    'resource == Toolgate::Tool::"shop__refund"',
    'resource in Toolgate::Tool::"other"',
    'resource is Toolgate::Tool',
  ),
});
const statementArb = fc.record({
  effect: fc.constantFrom('permit', 'forbid'),
  approval: fc.boolean(),
  scope,
  conditions: fc.array(fc.record({ kind: fc.constantFrom('when', 'unless'), body: boolExpr }), { maxLength: 2 }),
});
type Statement = typeof statementArb extends fc.Arbitrary<infer S> ? S : never;

function text(s: Statement): string {
  const annotation = s.approval && s.effect === 'permit' ? '@approval("required")\n' : '';
  const conditions = s.conditions.map((c) => ` ${c.kind} { ${c.body} }`).join('');
  return `${annotation}${s.effect}(${s.scope.principal}, ${s.scope.action}, ${s.scope.resource})${conditions};`;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const requestArb = fc.record({
  args: fc.record({
    amount: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)),
    name: optional(fc.constantFrom('a', '', 'eu-west', 'x*y', 'shop__refund', 'p-alice', 'é😀')),
    flag: optional(fc.boolean()),
    price: optional(fc.constantFrom(1, 1.5, 42.25, 0)),
    tags: optional(fc.subarray(['support', 'a', 'ops', ''])),
    prices: optional(fc.subarray([1, 2.5])),
    nested: optional(
      fc.record({
        region: optional(fc.constantFrom('eu-west', 'us')),
        code: optional(fc.integer({ min: -2, max: 20 })),
        type: optional(fc.constantFrom('t')),
        id: optional(fc.constantFrom('i')),
      }),
    ),
  }),
  principal: fc.record({
    id: fc.constantFrom('p-alice', 'p-bob'),
    name: fc.constantFrom('alice', 'a', 'p-alice'),
    roles: fc.subarray(['support', 'ops', 'a']),
    attributes: fc.record({
      team: optional(fc.constantFrom('a', 'eu-west')),
      level: optional(fc.integer({ min: 0, max: 200 })),
      accounts: optional(fc.subarray(['a', 'support'])),
    }),
  }),
  environment: fc.constantFrom('production', 'staging'),
  surface: optional(fc.constantFrom('rest', 'mcp')),
  sourceIp: optional(fc.constantFrom('10.1.2.3', '::1')),
  hour: fc.integer({ min: 0, max: 23 }),
});
type Request = typeof requestArb extends fc.Arbitrary<infer R> ? R : never;

function input(r: Request): AuthorizationInput {
  const principal: Principal = {
    ...r.principal,
    kind: 'user',
    disabled: false,
    createdAt: '',
    attributes: dropUndefined(r.principal.attributes),
  };
  const args = dropUndefined({ ...r.args, nested: r.args.nested && dropUndefined(r.args.nested) });
  const base = { principal, tool, plugin, environment: r.environment, args, action: 'invoke' as const };
  return { ...base, ...(r.surface ? { surface: r.surface } : {}), ...(r.sourceIp ? { sourceIp: r.sourceIp } : {}) };
}

function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

const comparable = (o: PolicyOutcome) => ({
  effect: o.effect,
  requiresApproval: o.requiresApproval,
  policyIds: o.policyIds,
  message: o.message,
  failed: o.error !== undefined,
  matched: o.statements.map((s) => s.matched),
});

describe('JavaScript policy evaluation agrees with cedar-wasm', () => {
  it('decides random statements and requests exactly as cedar-wasm does', () => {
    let outcomes = { allow: 0, deny: 0, failed: 0 };
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 3 }),
        fc.array(requestArb, { minLength: 6, maxLength: 6 }),
        (statements, requests) => {
          const policies = statements.map((s, i): Policy => ({
            id: `pol${i}`,
            name: `p${i}`,
            description: '',
            targetType: 'tool',
            target: tool.name,
            cedar: text(s),
            status: 'active',
            createdBy: 't',
            createdAt: '',
            updatedAt: '',
          }));
          // One Cedar set per run; the requests vary under it (preparsing dominates the cost of a run).
          const index = new PolicyIndex(ATTRIBUTE_TYPES, silent);
          index.load(policies, 1);
          const compiled = index.forTool(tool);
          expect(compiled?.js, policies.map((p) => p.cedar).join('\n')).toBeDefined();
          if (!compiled) return;
          for (const r of requests) {
            const env = { now: Date.UTC(2026, 5, 1, r.hour, 30), zonedNow, attributeTypes: ATTRIBUTE_TYPES };
            const js = evaluatePolicies(compiled, input(r), env);
            const wasm = evaluatePolicies({ ...compiled, js: undefined }, input(r), env);
            expect(comparable(js), `${policies.map((p) => p.cedar).join('\n')}\ncedar: ${wasm.reason}\njs: ${js.reason}`).toEqual(
              comparable(wasm),
            );
            const kind = js.error === undefined ? js.effect : 'failed';
            outcomes = { ...outcomes, [kind]: outcomes[kind] + 1 };
          }
        },
      ),
      // 400 statement sets × 6 requests: 2,400 compared decisions.
      { numRuns: 400 },
    );
    // The generator must exercise all three outcomes, not only errors.
    expect(outcomes.allow).toBeGreaterThan(100);
    expect(outcomes.deny).toBeGreaterThan(100);
    expect(outcomes.failed).toBeGreaterThan(100);
    // Generous: CI machines are shared; the run itself takes a few seconds.
  }, 60_000);
});
