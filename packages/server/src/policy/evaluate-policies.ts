import { statefulIsAuthorized, type CedarValueJson, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { Principal } from '../core/principal.js';
import type { AuthorizationInput } from '../ports/authorizer.js';
import { ACTION_TYPE, attributesShape, PRINCIPAL_TYPE, TOOL_TYPE, type PrincipalAttributeTypes } from './cedar-schema.js';
import { CedarValueError, ipValue, toCedarValue } from './cedar-value.js';
import type { JsRequest } from './compile-statement.js';
import { evaluateJsPolicySet, type JsPolicySet, type Verdict } from './js-policy-set.js';
import type { CompiledToolPolicies } from './policy-index.js';
import type { PolicyStatement } from './policy-statements.js';
import type { ZonedNow } from './zoned-now.js';

/** What the conditional policies of one tool say about one call. */
export interface PolicyOutcome {
  readonly effect: 'allow' | 'deny';
  readonly requiresApproval: boolean;
  /** The deciding policies: matching forbids, the permits none of which matched, or the matching permits. */
  readonly policyIds: readonly string[];
  /** Caller-safe text for a denial (`@message`, else the policy name). */
  readonly message: string | undefined;
  /** Audit-only account. */
  readonly reason: string;
  /** Set when Cedar could not evaluate (the call is denied: fail closed). */
  readonly error: string | undefined;
  /** Every statement evaluated and whether its condition matched (all unmatched when evaluation failed), for explanations. */
  readonly statements: readonly StatementResult[];
}

export interface StatementResult {
  readonly statement: PolicyStatement;
  readonly matched: boolean;
}

export interface EvaluationEnv {
  readonly now: number;
  readonly zonedNow: ZonedNow;
  readonly attributeTypes: PrincipalAttributeTypes;
}

/**
 * Runs only the given tool's statements. Any matching forbid denies; when permits are attached one
 * must match; an evaluation error in any statement denies (Cedar would skip it, which could let a
 * broken forbid allow). A matching permit annotated `@approval("required")` asks for approval unless
 * another matching permit does not.
 */
export function evaluatePolicies(compiled: CompiledToolPolicies, input: AuthorizationInput, env: EvaluationEnv): PolicyOutcome {
  const matched: PolicyStatement[] = [];
  const result = judge(compiled, input, env, matched);
  return { ...result, statements: compiled.ordered.map((statement) => ({ statement, matched: matched.includes(statement) })) };
}

/** The decision itself; pushes the statements whose conditions matched into `matched`. */
function judge(compiled: CompiledToolPolicies, input: AuthorizationInput, env: EvaluationEnv, matched: PolicyStatement[]): PolicyOutcome {
  let context: Record<string, CedarValueJson>;
  let entities: EntityJson[];
  try {
    context = {
      args: toCedarValue(compiled.args, input.args ?? {}, 'args'),
      now: env.zonedNow.context(env.now),
      environment: input.environment,
      surface: input.surface ?? 'unknown',
    };
    const ip = ipValue(input.sourceIp);
    if (ip !== undefined) context['sourceIp'] = ip;
    entities = [principalEntity(input.principal, env.attributeTypes), toolEntity(input)];
  } catch (err) {
    if (err instanceof CedarValueError) return failed(compiled, `arguments do not fit the policy schema: ${err.message}`);
    throw err;
  }
  const request = { principal: input.principal, toolName: input.tool.name, context, entities };
  const verdict = (compiled.js && evaluateJs(compiled, compiled.js, request)) ?? evaluateInCedar(compiled, request);
  if (verdict.kind === 'error') return failed(compiled, verdict.why);
  const { decision } = verdict;
  matched.push(...verdict.matched);
  if (decision === 'deny' && matched.length > 0) {
    const first = matched[0];
    return outcome('deny', false, matched, first?.message ?? first?.policy.name, `forbidden by policy ${names(matched)}`);
  }
  if (decision === 'deny') {
    if (compiled.permits.length === 0) {
      return outcome('allow', false, [], undefined, `no forbid policy matched (${names([...compiled.statements.values()])})`);
    }
    const hints = [...new Set(compiled.permits.flatMap((s) => (s.message === undefined ? [] : [s.message])))];
    const message = `no permit policy matched${hints.length > 0 ? `: ${hints.join('; ')}` : ''}`;
    return outcome('deny', false, compiled.permits, message, `no permit policy matched (${names(compiled.permits)})`);
  }
  const requiresApproval = matched.every((s) => s.approval);
  return outcome(
    'allow',
    requiresApproval,
    matched,
    undefined,
    `permitted by policy ${names(matched)}${requiresApproval ? ' (approval required)' : ''}`,
  );
}

interface PolicyRequest {
  readonly principal: Principal;
  readonly toolName: string;
  readonly context: Record<string, CedarValueJson>;
  readonly entities: EntityJson[];
}

/** The fast path: the statements compiled to JavaScript (undefined when the request needs cedar-wasm). */
function evaluateJs(compiled: CompiledToolPolicies, js: JsPolicySet, r: PolicyRequest): Verdict | undefined {
  const request: JsRequest = {
    principal: { type: PRINCIPAL_TYPE, id: r.principal.id },
    action: { type: ACTION_TYPE, id: 'invoke' },
    resource: { type: TOOL_TYPE, id: r.toolName },
    context: r.context,
    entities: r.entities,
  };
  return evaluateJsPolicySet(js, request, (s) => statementName(compiled, s.cedarId));
}

/** cedar-wasm on the preparsed set: any policy, ~100 µs per call. */
function evaluateInCedar(compiled: CompiledToolPolicies, r: PolicyRequest): Verdict {
  const answer = statefulIsAuthorized({
    principal: { type: PRINCIPAL_TYPE, id: r.principal.id },
    action: { type: ACTION_TYPE, id: 'invoke' },
    resource: { type: TOOL_TYPE, id: r.toolName },
    context: r.context,
    preparsedPolicySetId: compiled.setId,
    entities: r.entities,
  });
  if (answer.type === 'failure') return { kind: 'error', why: answer.errors.map((e) => e.message).join('; ') };
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    return { kind: 'error', why: diagnostics.errors.map((e) => `${statementName(compiled, e.policyId)}: ${e.error.message}`).join('; ') };
  }
  return { kind: 'decided', decision, matched: compiled.ordered.filter((s) => diagnostics.reason.includes(s.cedarId)) };
}

function principalEntity(p: Principal, types: PrincipalAttributeTypes): EntityJson {
  const shape = attributesShape(types);
  const attrs: Record<string, CedarValueJson> = {};
  for (const [name, attr] of shape.attributes) {
    const value = p.attributes?.[name];
    if (value === undefined) continue;
    try {
      attrs[name] = toCedarValue(attr.shape, value, name);
    } catch {
      // Stored under an older attribute type: treat as unset, so `has` guards keep it out of decisions.
    }
  }
  return {
    uid: { type: PRINCIPAL_TYPE, id: p.id },
    attrs: { name: p.name, kind: p.kind, roles: [...p.roles], attrs },
    parents: [],
  };
}

function toolEntity(input: AuthorizationInput): EntityJson {
  return {
    uid: { type: TOOL_TYPE, id: input.tool.name },
    attrs: { name: input.tool.name, plugin: input.plugin.name, riskTier: input.tool.riskTier },
    parents: [],
  };
}

function failed(compiled: CompiledToolPolicies, why: string): PolicyOutcome {
  const all = [...compiled.statements.values()];
  return {
    ...outcome('deny', false, all, 'the policies of this tool could not be evaluated', `policy evaluation failed (fail closed): ${why}`),
    error: why,
  };
}

function outcome(
  effect: 'allow' | 'deny',
  requiresApproval: boolean,
  statements: readonly PolicyStatement[],
  message: string | undefined,
  reason: string,
): PolicyOutcome {
  const policyIds = [...new Set(statements.map((s) => s.policy.id))];
  return { effect, requiresApproval, policyIds, message, reason, error: undefined, statements: [] };
}

function names(statements: readonly PolicyStatement[]): string {
  return [...new Set(statements.map((s) => `${s.policy.id} (${s.policy.name})`))].join(', ');
}

function statementName(compiled: CompiledToolPolicies, cedarId: string): string {
  const s = compiled.statements.get(cedarId);
  return s ? `${s.policy.name} statement ${cedarId.slice(cedarId.lastIndexOf('#') + 1)}` : cedarId;
}
