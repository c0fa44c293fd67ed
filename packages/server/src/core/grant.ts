export type GrantSubjectType = 'principal' | 'role';
export type GrantTargetType = 'plugin' | 'tool';
export type GrantEffect = 'allow' | 'deny';
/**
 * What a grant permits on its target: `list` (see it), `invoke` (call it; implies list), `approve`
 * (decide other principals' approval requests for it), `administer` (manage the plugin).
 */
export type GrantAction = 'list' | 'invoke' | 'approve' | 'administer';
export const GRANT_ACTIONS: readonly GrantAction[] = ['list', 'invoke', 'approve', 'administer'];

/**
 * Permission to list/invoke/approve/administer a plugin's tools or one tool, in one environment or all (`*`).
 * Deny by default: without an allow grant nothing is visible; a deny grant overrides any allow.
 */
export interface Grant {
  readonly id: string;
  readonly subjectType: GrantSubjectType;
  /** Principal id or role name. */
  readonly subject: string;
  readonly targetType: GrantTargetType;
  /** Plugin name or tool name. */
  readonly target: string;
  readonly environment: string;
  readonly effect: GrantEffect;
  /** Non-empty; `invoke` implies `list` (for deny grants too: a tool that can never be called is not shown). */
  readonly actions: readonly GrantAction[];
  readonly requireApproval: boolean;
  readonly expiresAt: string | null;
  readonly createdAt: string;
}
