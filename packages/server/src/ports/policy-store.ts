import type { Policy, PolicyChange, PolicyChangeAction } from '../core/policy.js';

export type NewPolicy = Omit<Policy, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * Where conditional policies and their change log live. Every write records a change and bumps the
 * policy version in the same transaction, so the version always names exactly one set of policies.
 */
export interface PolicyStore {
  list(): Promise<Policy[]>;
  find(idOrName: string): Promise<Policy | undefined>;
  /** The current policy version: 0 before the first change, then +1 per change, never reused. */
  version(): Promise<number>;
  create(policy: NewPolicy, now: Date): Promise<{ policy: Policy; version: number }>;
  update(id: string, policy: NewPolicy, action: PolicyChangeAction, now: Date): Promise<{ policy: Policy; version: number }>;
  remove(id: string, actor: string, now: Date): Promise<{ version: number }>;
  changes(opts?: { policyId?: string; limit?: number }): Promise<PolicyChange[]>;
}
