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
}

/**
 * The one authorization function. Listing (`effect !== 'deny'` means visible) and calling use it
 * on every surface, so no second code path can decide visibility.
 */
export interface Authorizer {
  decide(input: AuthorizationInput): AuthorizationDecision;
}
