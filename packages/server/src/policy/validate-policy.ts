import { validate, type DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { GatewayError } from '../core/gateway-error.js';
import type { Policy } from '../core/policy.js';
import type { Tool } from '../core/tool.js';
import { toolPolicySchema, type PrincipalAttributeTypes } from './cedar-schema.js';
import { policyStatements } from './policy-statements.js';

/** One problem in a policy, as authors need it: where (line, column) and, for validation, which tool's schema. */
export interface PolicyProblem {
  readonly message: string;
  readonly help?: string;
  readonly tool?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Parses the policy and validates it (Cedar strict mode) against the generated schema of every tool it
 * applies to; throws POLICY_INVALID with Cedar's messages and positions. Returns validation warnings.
 */
export function validatePolicy(policy: Policy, tools: readonly Tool[], attributeTypes: PrincipalAttributeTypes): PolicyProblem[] {
  const parsed = policyStatements(policy);
  if (!parsed.ok)
    throw invalid(
      policy,
      parsed.errors.map((e) => problem(policy.cedar, e)),
    );
  const errors: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  for (const tool of tools) {
    const { schema } = toolPolicySchema(tool, attributeTypes);
    const answer = validate({ schema, policies: { staticPolicies: policy.cedar }, validationSettings: { mode: 'strict' } });
    if (answer.type === 'failure') {
      errors.push(...answer.errors.map((e) => problem(policy.cedar, e, tool.name)));
      continue;
    }
    errors.push(...answer.validationErrors.map((v) => problem(policy.cedar, v.error, tool.name)));
    warnings.push(...answer.validationWarnings.map((v) => problem(policy.cedar, v.error, tool.name)));
  }
  if (errors.length > 0) throw invalid(policy, errors);
  return warnings;
}

function invalid(policy: Policy, problems: PolicyProblem[]): GatewayError {
  const first = problems[0];
  const where = first?.line !== undefined ? ` (line ${first.line}, column ${first.column ?? 1})` : '';
  return new GatewayError('POLICY_INVALID', {
    message: `Policy "${policy.name}" is invalid${where}: ${first?.message ?? 'unknown error'}. Fix it as "details" says; see the schema with GET /v1/admin/policies/schema?tool=<tool>.`,
    details: { path: 'body/cedar', problems: problems.slice(0, 20) },
  });
}

function problem(text: string, e: DetailedError, tool?: string): PolicyProblem {
  const start = e.sourceLocations?.[0]?.start;
  const position = start === undefined ? {} : lineAndColumn(text, start);
  return {
    message: e.message,
    ...(e.help !== null ? { help: e.help } : {}),
    ...(tool !== undefined ? { tool } : {}),
    ...position,
  };
}

/** 1-based line and column of a character offset (Cedar reports offsets into the whole text). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}
