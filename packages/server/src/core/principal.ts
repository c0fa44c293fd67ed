export type PrincipalKind = 'user' | 'service';

/** A user or service account. Roles are plain names; `admin` may use the admin API. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly kind: PrincipalKind;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  /**
   * Attributes conditional policies may test (`principal.attrs.<name>`), typed by config
   * `policy.principalAttributes`. Optional so principals built outside the store need none.
   */
  readonly attributes?: Readonly<Record<string, PrincipalAttributeValue>>;
}

/** The JSON values principal attributes may hold (Cedar String, Long, Boolean, Set<String>, Set<Long>). */
export type PrincipalAttributeValue = string | number | boolean | readonly string[] | readonly number[];

export const ADMIN_ROLE = 'admin';
