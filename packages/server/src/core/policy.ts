/** `active` policies decide calls; `shadow` ones are only evaluated beside them to see what they would do. */
export type PolicyStatus = 'active' | 'shadow';
export type PolicyTargetType = 'tool' | 'plugin';
export const POLICY_STATUSES: readonly PolicyStatus[] = ['active', 'shadow'];

/**
 * A conditional policy: one or more Cedar `permit`/`forbid` statements attached to one tool or to
 * every tool of one plugin. Only the policies attached to the called tool are evaluated per call.
 */
export interface Policy {
  readonly id: string;
  /** Unique; what denials and the audit log name when the statement has no `@message`. */
  readonly name: string;
  readonly description: string;
  readonly targetType: PolicyTargetType;
  /** Tool name or plugin name. */
  readonly target: string;
  /** Cedar text, validated against the generated schema of every tool it applies to when saved. */
  readonly cedar: string;
  readonly status: PolicyStatus;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type PolicyChangeAction = 'create' | 'update' | 'activate' | 'delete';

/** One entry of the policy change log; `version` is the policy version the change produced. */
export interface PolicyChange {
  readonly version: number;
  readonly policyId: string;
  readonly action: PolicyChangeAction;
  /** The Cedar text after the change (null for a delete). */
  readonly cedar: string | null;
  readonly actor: string;
  readonly time: string;
}

/** Cedar types a principal attribute may be declared with in config `policy.principalAttributes`. */
export type PrincipalAttributeType = 'String' | 'Long' | 'Boolean' | 'Set<String>' | 'Set<Long>';
