import type { AuditDecision, Surface } from './audit-event.js';

/**
 * One call for which the candidate policy set (active plus shadow policies) would have decided
 * differently from the live one. Recorded so a shadow policy can be judged before it is activated.
 */
export interface ShadowDiff {
  readonly time: string;
  readonly tool: string;
  readonly plugin: string;
  readonly principalId: string;
  readonly principalName: string;
  readonly environment: string;
  readonly surface: Surface;
  readonly live: AuditDecision;
  readonly shadow: AuditDecision;
  /** The policies that decided live, and those that would have decided with the shadow policies active. */
  readonly livePolicyIds: readonly string[];
  readonly shadowPolicyIds: readonly string[];
  /** SHA-256 of the canonical arguments (never the arguments themselves). */
  readonly argsDigest: string | null;
  /** Set when the shadow evaluation itself failed. */
  readonly error: string | null;
}

/** The three-way decision words audit records and explanations use. */
export function decisionWord(d: { readonly effect: 'allow' | 'deny'; readonly requiresApproval: boolean }): AuditDecision {
  if (d.effect === 'deny') return 'deny';
  return d.requiresApproval ? 'approval_required' : 'allow';
}
