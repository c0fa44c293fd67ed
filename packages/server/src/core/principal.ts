export type PrincipalKind = 'user' | 'service';

/** A user or service account. Roles are plain names; `admin` may use the admin API. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly kind: PrincipalKind;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
}

export const ADMIN_ROLE = 'admin';
