import { randomUUID } from 'node:crypto';
import { preparsePolicySet, type Policy as CedarPolicy } from '@cedar-policy/cedar-wasm/nodejs';
import type { Policy, PolicyStatus } from '../core/policy.js';
import type { Tool } from '../core/tool.js';
import type { Logger } from '../ports/logger.js';
import { toolPolicySchema, type PrincipalAttributeTypes, type RecordShape } from './cedar-schema.js';
import { compileJsPolicySet, type JsPolicySet } from './js-policy-set.js';
import { policyStatements, type PolicyStatement } from './policy-statements.js';

/** The statements that apply to one tool, preparsed by Cedar under `setId`. */
export interface CompiledToolPolicies {
  readonly setId: string;
  readonly statements: ReadonlyMap<string, PolicyStatement>;
  /** The same statements in a stable order (by policy name), for deterministic messages. */
  readonly ordered: readonly PolicyStatement[];
  readonly permits: readonly PolicyStatement[];
  /** The tool's argument shape; recomputed when the tool's definition changes. */
  readonly definitionHash: string;
  readonly args: RecordShape;
  /** The statements compiled to JavaScript (microseconds per call), or undefined when one is outside the subset. */
  readonly js: JsPolicySet | undefined;
}

/**
 * Which statements to evaluate: the `active` ones (live), the `shadow` ones alone, or the `candidate` set
 * (active plus shadow: what would decide if every shadow policy of the tool were activated).
 */
export type PolicySet = PolicyStatus | 'candidate';

/**
 * Conditional policies in memory, by the tool or plugin they are attached to, so a call looks at only
 * its tool's policies. Statement sets are preparsed once per tool and policy version (lazily).
 */
export class PolicyIndex {
  private version = 0;
  private byTarget = new Map<string, PolicyStatement[]>();
  private compiled = new Map<string, CompiledToolPolicies>();
  /** Cedar caches preparsed sets per process; a per-index prefix keeps gateways in one process apart. */
  private readonly setPrefix = randomUUID();

  constructor(
    private readonly attributeTypes: PrincipalAttributeTypes,
    private readonly logger: Logger,
  ) {}

  get policyVersion(): number {
    return this.version;
  }

  get principalAttributeTypes(): PrincipalAttributeTypes {
    return this.attributeTypes;
  }

  /** Replaces the policies; a stored policy that no longer parses is skipped and logged (it cannot be enforced). */
  load(policies: readonly Policy[], version: number): void {
    const byTarget = new Map<string, PolicyStatement[]>();
    for (const policy of policies) {
      const parsed = policyStatements(policy);
      if (!parsed.ok) {
        this.logger.error({ policy: policy.id, errors: parsed.errors.map((e) => e.message) }, 'stored policy does not parse; skipped');
        continue;
      }
      const key = targetKey(policy.status, policy.targetType, policy.target);
      byTarget.set(key, [...(byTarget.get(key) ?? []), ...parsed.statements]);
    }
    this.byTarget = byTarget;
    this.compiled = new Map();
    this.version = version;
  }

  /** Whether any policy of this status is attached to the tool (directly or through its plugin): two Map lookups. */
  has(tool: Tool, status: PolicyStatus = 'active'): boolean {
    return this.byTarget.has(targetKey(status, 'tool', tool.name)) || this.byTarget.has(targetKey(status, 'plugin', tool.pluginName));
  }

  /** The preparsed statements for a tool, or undefined when none are attached. */
  forTool(tool: Tool, set: PolicySet = 'active'): CompiledToolPolicies | undefined {
    const key = `${set}:${tool.name}`;
    const cached = this.compiled.get(key);
    if (cached && cached.definitionHash === tool.definitionHash) return cached;
    const statuses: readonly PolicyStatus[] = set === 'candidate' ? ['active', 'shadow'] : [set];
    // A stable order (by policy name), so which forbid's message a caller sees never depends on load order.
    const statements = statuses
      .flatMap((status) => [
        ...(this.byTarget.get(targetKey(status, 'tool', tool.name)) ?? []),
        ...(this.byTarget.get(targetKey(status, 'plugin', tool.pluginName)) ?? []),
      ])
      .sort(byPolicyName);
    if (statements.length === 0) return undefined;
    const setId = `${this.setPrefix}/${key}`;
    // cedar-wasm stays prepared even with a JS form: it evaluates requests the JS form cannot decide exactly.
    if (!cached) {
      const staticPolicies: Record<string, CedarPolicy> = {};
      for (const s of statements) staticPolicies[s.cedarId] = s.text;
      const answer = preparsePolicySet(setId, { staticPolicies });
      if (answer.type === 'failure') throw new Error(`preparse failed: ${answer.errors.map((e) => e.message).join('; ')}`);
    }
    const compiled: CompiledToolPolicies = {
      setId,
      statements: new Map(statements.map((s) => [s.cedarId, s])),
      ordered: statements,
      permits: statements.filter((s) => s.effect === 'permit'),
      definitionHash: tool.definitionHash,
      args: toolPolicySchema(tool, this.attributeTypes).args,
      js: cached ? cached.js : this.compileJs(statements, key),
    };
    this.compiled.set(key, compiled);
    return compiled;
  }

  private compileJs(statements: readonly PolicyStatement[], key: string): JsPolicySet | undefined {
    const js = compileJsPolicySet(statements, this.attributeTypes);
    if (js.ok) return js.set;
    this.logger.info({ policies: key, why: js.why }, 'policies outside the JavaScript subset; evaluated by cedar-wasm');
    return undefined;
  }
}

function targetKey(status: PolicyStatus, type: 'tool' | 'plugin', name: string): string {
  return `${status}:${type}:${name}`;
}

function byPolicyName(a: PolicyStatement, b: PolicyStatement): number {
  return a.policy.name < b.policy.name
    ? -1
    : a.policy.name > b.policy.name
      ? 1
      : a.cedarId < b.cedarId
        ? -1
        : a.cedarId > b.cedarId
          ? 1
          : 0;
}
