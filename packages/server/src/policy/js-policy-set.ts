import type { PrincipalAttributeTypes } from './cedar-schema.js';
import { CedarEvalError, NeedsCedar } from './cedar-js-values.js';
import { compileStatement, type JsRequest, type StatementCheck } from './compile-statement.js';
import type { PolicyStatement } from './policy-statements.js';
import { CEDAR_ESCAPE_KEY } from './arg-shape.js';

/** A tool's statements compiled to JavaScript, in the same order as `CompiledToolPolicies.ordered`. */
export interface JsPolicySet {
  readonly checks: readonly { readonly statement: PolicyStatement; readonly check: StatementCheck }[];
}

/** What a policy engine said about one call, before the outcome is worded. */
export type Verdict =
  | { readonly kind: 'error'; readonly why: string }
  /** Cedar's answer: the decision and the statements it names (matching forbids on deny, matching permits on allow). */
  | { readonly kind: 'decided'; readonly decision: 'allow' | 'deny'; readonly matched: readonly PolicyStatement[] };

/**
 * Compiles every statement, or none: when one is outside the subset the whole set stays on cedar-wasm,
 * so a decision never mixes engines. Principal attribute names that Cedar's JSON reads as escapes
 * (`__entity`, …) would be read differently by the two engines, so they also keep the set on cedar-wasm.
 */
export function compileJsPolicySet(
  statements: readonly PolicyStatement[],
  attributeTypes: PrincipalAttributeTypes,
): { ok: true; set: JsPolicySet } | { ok: false; why: string } {
  const reserved = Object.keys(attributeTypes).find((name) => CEDAR_ESCAPE_KEY.test(name));
  if (reserved !== undefined) return { ok: false, why: `principal attribute ${reserved} is a Cedar JSON escape` };
  const checks: { statement: PolicyStatement; check: StatementCheck }[] = [];
  for (const statement of statements) {
    const compiled = compileStatement(statement.text);
    if (!compiled.ok) return { ok: false, why: `${statement.cedarId}: ${compiled.why}` };
    checks.push({ statement, check: compiled.check });
  }
  return { ok: true, set: { checks } };
}

/**
 * Cedar's decision computed in JavaScript: allow when a permit matches and no forbid does. Every
 * statement runs (as in Cedar), so every error is reported. Undefined when the request holds values
 * only cedar-wasm can compare (the caller then asks it).
 */
export function evaluateJsPolicySet(set: JsPolicySet, request: JsRequest, name: (s: PolicyStatement) => string): Verdict | undefined {
  const errors: string[] = [];
  const forbids: PolicyStatement[] = [];
  const permits: PolicyStatement[] = [];
  try {
    for (const { statement, check } of set.checks) {
      const result = check(request);
      if (result instanceof CedarEvalError) errors.push(`${name(statement)}: ${result.message}`);
      else if (result) (statement.effect === 'forbid' ? forbids : permits).push(statement);
    }
  } catch (err) {
    if (err instanceof NeedsCedar) return undefined;
    throw err;
  }
  if (errors.length > 0) return { kind: 'error', why: errors.join('; ') };
  if (forbids.length > 0) return { kind: 'decided', decision: 'deny', matched: forbids };
  return { kind: 'decided', decision: permits.length > 0 ? 'allow' : 'deny', matched: permits };
}
