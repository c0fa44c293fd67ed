import type { Surface } from '../core/audit-event.js';
import type { GrantAction } from '../core/grant.js';
import type { Plugin } from '../core/plugin.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';

export interface AuthorizationDecision {
  readonly effect: 'allow' | 'deny';
  /** An applicable grant demands approval for this call. */
  readonly requiresApproval: boolean;
  /** Ids of the grants that decided, for the audit log and explanations. */
  readonly grantIds: readonly string[];
  /** Ids of the conditional policies that decided (a matching forbid, or the matching permits); empty when none ran. */
  readonly policyIds: readonly string[];
  /** The policy version the decision was made under (approvals bind to it); 0 before any policy change. */
  readonly policyVersion: number;
  /** Set when a conditional policy (not a grant) denied: the caller-safe `@message` or the policy name. */
  readonly policyMessage?: string;
  /** Human-readable, audit-only account of the decision. */
  readonly reason: string;
}

export interface AuthorizationInput {
  readonly principal: Principal;
  readonly tool: Tool;
  readonly plugin: Plugin;
  readonly environment: string;
  readonly args?: Readonly<Record<string, unknown>>;
  /** What is asked; default `invoke` (listing a tool asks `list`, deciding an approval asks `approve`). */
  readonly action?: GrantAction;
  /** The caller's IP as the surface saw it; conditional policies may test it (`context.sourceIp`). */
  readonly sourceIp?: string;
  /** Which surface the call came through (`context.surface`). */
  readonly surface?: Surface;
}

/**
 * The one authorization function. Listing (`effect !== 'deny'` means visible) and calling use it
 * on every surface, so no second code path can decide visibility.
 */
export interface Authorizer {
  decide(input: AuthorizationInput): AuthorizationDecision;
}
