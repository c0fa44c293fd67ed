export type GrantSubjectType = 'principal' | 'role';
export type GrantTargetType = 'plugin' | 'tool';
export type GrantEffect = 'allow' | 'deny';
/**
 * What a grant permits on its target: `list` (see it), `invoke` (call it; implies list), `approve`
 * (decide other principals' approval requests for it), `administer` (manage the plugin).
 */
export type GrantAction = 'list' | 'invoke' | 'approve' | 'administer';

/**
 * Permission to invoke a plugin's tools or one tool, in one environment or all (`*`).
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
  readonly requireApproval: boolean;
  readonly expiresAt: string | null;
  readonly createdAt: string;
}
