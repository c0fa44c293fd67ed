/**
 * Benchmark (not a test): the cost of one authorization decision, in process, as the pipeline pays it.
 * Grants-only decisions with 10, 1,000 and 100,000 grants in the index, and decisions on a tool with
 * 0, 1, 5 and 50 conditional Cedar policies attached (1,000 grants): policies inside the JavaScript
 * subset (compiled, no cedar-wasm) and policies using the decimal extension (cedar-wasm). Median and p99 over N decisions
 * after a warm-up. Prints a table and writes JSON to bench/results/.
 *
 *   npx tsx bench/authorization.ts
 *   BENCH_DECISIONS=50000 npx tsx bench/authorization.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Grant } from '../packages/server/src/core/grant.js';
import type { Plugin } from '../packages/server/src/core/plugin.js';
import type { Policy } from '../packages/server/src/core/policy.js';
import type { Principal } from '../packages/server/src/core/principal.js';
import type { Tool } from '../packages/server/src/core/tool.js';
import type { AuthorizationInput, Authorizer } from '../packages/server/src/ports/authorizer.js';
import { GrantIndex } from '../packages/server/src/policy/grant-index.js';
import { PolicyAuthorizer } from '../packages/server/src/policy/policy-authorizer.js';
import { PolicyIndex } from '../packages/server/src/policy/policy-index.js';
import { ZonedNow } from '../packages/server/src/policy/zoned-now.js';

const decisions = Number(process.env['BENCH_DECISIONS'] ?? 20_000);
const warmup = Math.max(2_000, Math.floor(decisions / 5));
const root = fileURLToPath(new URL('..', import.meta.url));
const clock = { now: () => Date.parse('2026-06-01T10:00:00Z') };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const TOOLS = 200;
const plugin = { name: 'shop' } as Plugin;
const tool = {
  name: 'shop__refund_order',
  pluginName: 'shop',
  riskTier: 'consequential',
  definitionHash: 'h',
  inputSchema: {
    type: 'object',
    required: ['orderId', 'body'],
    properties: {
      orderId: { type: 'string' },
      body: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' }, reason: { type: 'string' } } },
    },
  },
} as unknown as Tool;
const caller: Principal = {
  id: 'p-caller',
  name: 'caller',
  kind: 'user',
  roles: ['support', 'role-7', 'role-42'],
  disabled: false,
  createdAt: '',
  attributes: { accountIds: ['cus_ada', 'cus_lin'] },
};
const input: AuthorizationInput = {
  principal: caller,
  tool,
  plugin,
  environment: 'production',
  args: { orderId: 'ord_1001', body: { amount: 42.5, reason: 'damaged' } },
  action: 'invoke',
  sourceIp: '10.1.2.3',
  surface: 'rest',
};

/** `count` grants over many principals, roles and tools; the caller's roles hold a few, one on the called tool. */
function grants(count: number): Grant[] {
  const out: Grant[] = [];
  for (let i = 0; out.length < count - 1; i += 1) {
    const byRole = i % 3 !== 0;
    out.push({
      id: `g${i}`,
      subjectType: byRole ? 'role' : 'principal',
      subject: byRole ? `role-${i % 1000}` : `p-${i}`,
      targetType: i % 10 === 0 ? 'plugin' : 'tool',
      target: i % 10 === 0 ? `plugin_${i % 50}` : `plugin_${i % 50}__tool_${i % TOOLS}`,
      environment: i % 4 === 0 ? '*' : 'production',
      effect: i % 17 === 0 ? 'deny' : 'allow',
      actions: i % 5 === 0 ? ['list'] : ['invoke'],
      requireApproval: i % 7 === 0,
      expiresAt: i % 11 === 0 ? '2027-01-01T00:00:00Z' : null,
      createdAt: '',
    });
  }
  out.push({
    id: 'g-caller',
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
  });
  return out;
}

/**
 * `count` policies on the tool: forbids over thresholds no call reaches, plus one permit, so every statement
 * runs. `js` ones stay inside the compiled subset; `wasm` ones compare decimals, which only cedar-wasm does.
 */
function policies(count: number, engine: 'js' | 'wasm'): Policy[] {
  const permit =
    engine === 'wasm'
      ? 'permit(principal, action, resource) when { context.args.body.amount.lessThan(decimal("100.0")) };'
      : 'permit(principal, action, resource) when { context.args.orderId like "ord_*" && principal has attrs.accountIds };';
  const forbid = (i: number) =>
    engine === 'wasm'
      ? `@message("limit ${i}")\nforbid(principal, action, resource) when { context.args.body.amount.greaterThan(decimal("${1000 + i}.0")) && context.now.hour >= 0 };`
      : `@message("limit ${i}")\nforbid(principal, action, resource) when { principal.attrs.accountIds.contains("cus_${i}") && context.now.hour >= 0 && resource.riskTier == "consequential" };`;
  return Array.from({ length: count }, (_, i): Policy => ({
    id: `pol-${i}`,
    name: `policy-${i}`,
    description: '',
    targetType: 'tool',
    target: tool.name,
    cedar: i === 0 ? permit : forbid(i),
    status: 'active',
    createdBy: 'bench',
    createdAt: '',
    updatedAt: '',
  }));
}

function authorizer(grantCount: number, policyCount: number, engine: 'js' | 'wasm'): Authorizer {
  const index = new GrantIndex(clock);
  index.load(grants(grantCount));
  const policyIndex = new PolicyIndex({ accountIds: 'Set<String>' }, silent);
  policyIndex.load(policies(policyCount, engine), policyCount);
  return new PolicyAuthorizer(index, policyIndex, new ZonedNow('Europe/Berlin'), clock, silent);
}

interface Row {
  scenario: string;
  grants: number;
  policies: number;
  decisions: number;
  medianUs: number;
  p99Us: number;
  effect: string;
}

function measure(scenario: string, grantCount: number, policyCount: number, engine: 'js' | 'wasm' = 'js'): Row {
  const a = authorizer(grantCount, policyCount, engine);
  const first = a.decide(input);
  for (let i = 0; i < warmup; i += 1) a.decide(input);
  const samples = new Float64Array(decisions);
  for (let i = 0; i < decisions; i += 1) {
    const start = process.hrtime.bigint();
    a.decide(input);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  samples.sort();
  const at = (q: number): number => Math.round((samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0) * 100) / 100;
  return { scenario, grants: grantCount, policies: policyCount, decisions, medianUs: at(0.5), p99Us: at(0.99), effect: first.effect };
}

const rows: Row[] = [
  measure('grants only', 10, 0),
  measure('grants only', 1_000, 0),
  measure('grants only', 100_000, 0),
  measure('policies on the tool', 1_000, 0),
  measure('compiled policies (JS)', 1_000, 1),
  measure('compiled policies (JS)', 1_000, 5),
  measure('compiled policies (JS)', 1_000, 50),
  measure('decimal policies (cedar-wasm)', 1_000, 1, 'wasm'),
  measure('decimal policies (cedar-wasm)', 1_000, 5, 'wasm'),
  measure('decimal policies (cedar-wasm)', 1_000, 50, 'wasm'),
];

console.table(rows.map((r) => ({ ...r, medianUs: r.medianUs.toFixed(2), p99Us: r.p99Us.toFixed(2) })));
const target = rows.find((r) => r.grants === 100_000);
console.log(`target: grants-only under 10 µs at 100,000 grants → median ${target?.medianUs} µs, p99 ${target?.p99Us} µs`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `authorization-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ node: process.version, decisions, warmup, rows }, null, 2));
console.log(`wrote ${out}`);
