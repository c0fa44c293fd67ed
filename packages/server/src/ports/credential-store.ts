import type { Principal } from '../core/principal.js';

/** The stored side of an API key: never the key itself, only its SHA-256. */
export interface StoredApiKey {
  readonly id: string;
  readonly principalId: string;
  readonly name: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

/** What the authenticate stage needs: look up a key by its public id, with its principal. */
export interface CredentialStore {
  findApiKey(keyId: string): Promise<{ key: StoredApiKey; principal: Principal } | undefined>;
  /** The principal an OAuth access token names (by its principal claim), with its roles. */
  findPrincipalByName(name: string): Promise<Principal | undefined>;
  /** The principal with its roles, by id: an approved call runs as its requester, looked up again when it runs. */
  findPrincipalById(id: string): Promise<Principal | undefined>;
}
