import { policySetTextToParts, policyToJson, type DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import type { Policy } from '../core/policy.js';

/** One `permit` or `forbid` of a policy, with the annotations that shape its decision. */
export interface PolicyStatement {
  /** Unique in a policy set: `<policy id>#<index>`. */
  readonly cedarId: string;
  readonly policy: Policy;
  readonly text: string;
  readonly effect: 'permit' | 'forbid';
  /** `@message("…")`: caller-safe text of a denial. */
  readonly message: string | undefined;
  /** `@approval("required")` on a permit: calls it allows still need a human approval. */
  readonly approval: boolean;
}

export type StatementsResult = { ok: true; statements: PolicyStatement[] } | { ok: false; errors: DetailedError[] };

/** Splits a policy's Cedar text into statements and reads their effect and annotations. */
export function policyStatements(policy: Policy): StatementsResult {
  const parts = policySetTextToParts(policy.cedar);
  if (parts.type === 'failure') return { ok: false, errors: parts.errors };
  if (parts.policy_templates.length > 0) {
    return { ok: false, errors: [plainError('templates (?principal, ?resource slots) are not supported; write static policies')] };
  }
  if (parts.policies.length === 0) return { ok: false, errors: [plainError('the policy has no permit or forbid statement')] };
  const statements: PolicyStatement[] = [];
  for (const [i, text] of parts.policies.entries()) {
    const json = policyToJson(text);
    if (json.type === 'failure') return { ok: false, errors: json.errors };
    const annotations = json.json.annotations ?? {};
    const approval = annotations['approval'];
    if (approval !== undefined && approval !== 'required') {
      return { ok: false, errors: [plainError(`@approval takes only "required" (statement ${i + 1})`)] };
    }
    statements.push({
      cedarId: `${policy.id}#${i}`,
      policy,
      text,
      effect: json.json.effect,
      message: annotations['message'],
      approval: approval === 'required' && json.json.effect === 'permit',
    });
  }
  return { ok: true, statements };
}

export function plainError(message: string): DetailedError {
  return { message, help: null, code: null, url: null, severity: 'error', sourceLocations: [], related: [] };
}
