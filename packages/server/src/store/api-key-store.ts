import type { Kysely } from 'kysely';
import { generateApiKey, hashKeySecret } from '../core/api-key-format.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import type { CredentialStore, StoredApiKey } from '../ports/credential-store.js';
import type { ApiKeyRow, Database } from './database-schema.js';
import { toPrincipal } from './principal-store.js';

export interface CreatedApiKey {
  readonly key: StoredApiKey;
  /** The full key, shown once and never stored. */
  readonly secretKey: string;
}

/**
 * The key lookup runs on every call, so it is built and compiled once (for the store's dialect) and
 * then only executed with the key id: building a Kysely query costs several times more than running it.
 */
function compileLookup(db: Kysely<Database>) {
  return db
    .selectFrom('api_keys')
    .innerJoin('principals', 'principals.id', 'api_keys.principal_id')
    .leftJoin('principal_roles', 'principal_roles.principal_id', 'api_keys.principal_id')
    .select([
      'api_keys.id',
      'api_keys.principal_id',
      'api_keys.name',
      'api_keys.hash',
      'api_keys.created_at',
      'api_keys.expires_at',
      'api_keys.revoked_at',
      'principals.name as p_name',
      'principals.kind as p_kind',
      'principals.disabled as p_disabled',
      'principals.created_at as p_created_at',
      'principals.attributes as p_attributes',
      'principal_roles.role as role',
    ])
    .where('api_keys.id', '=', '')
    .compile();
}

/** API keys, stored as SHA-256 of their secret part only. */
export class ApiKeyStore implements CredentialStore {
  private readonly lookup: ReturnType<typeof compileLookup>;

  constructor(private readonly db: Kysely<Database>) {
    this.lookup = compileLookup(db);
  }

  async create(principal: Principal, name: string, expiresAt: Date | null, now: Date): Promise<CreatedApiKey> {
    const { id, secret, key } = generateApiKey();
    const row: ApiKeyRow = {
      id,
      principal_id: principal.id,
      name,
      hash: hashKeySecret(secret),
      created_at: now.toISOString(),
      expires_at: expiresAt ? expiresAt.toISOString() : null,
      revoked_at: null,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return { key: toStoredKey(row), secretKey: key };
  }

  async list(principalId?: string): Promise<StoredApiKey[]> {
    let q = this.db.selectFrom('api_keys').selectAll().orderBy('created_at');
    if (principalId !== undefined) q = q.where('principal_id', '=', principalId);
    return (await q.execute()).map(toStoredKey);
  }

  async revoke(id: string, now: Date): Promise<StoredApiKey> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new GatewayError('NOT_FOUND', { message: `No API key with id "${id}". List keys with GET /v1/admin/keys.` });
    if (row.revoked_at === null) {
      await this.db.updateTable('api_keys').set({ revoked_at: now.toISOString() }).where('id', '=', id).execute();
    }
    return toStoredKey({ ...row, revoked_at: row.revoked_at ?? now.toISOString() });
  }

  /** One query: the key, its principal and the principal's roles (one row per role). */
  async findApiKey(keyId: string): Promise<{ key: StoredApiKey; principal: Principal } | undefined> {
    const query: typeof this.lookup = { ...this.lookup, parameters: [keyId] };
    const { rows } = await this.db.executeQuery(query);
    const row = rows[0];
    if (!row) return undefined;
    const roles = rows.flatMap((r) => (r.role === null ? [] : [r.role]));
    const principal = toPrincipal(
      {
        id: row.principal_id,
        name: row.p_name,
        kind: row.p_kind,
        disabled: row.p_disabled,
        created_at: row.p_created_at,
        attributes: row.p_attributes,
      },
      roles,
    );
    return { key: toStoredKey(row), principal };
  }

  /** Used for OAuth access tokens, which name a principal. */
  findPrincipalByName(name: string): Promise<Principal | undefined> {
    return this.findPrincipalWhere('principals.name', name);
  }

  /** An approved call runs as its requester, found by id. */
  findPrincipalById(id: string): Promise<Principal | undefined> {
    return this.findPrincipalWhere('principals.id', id);
  }

  /** One query: the principal and its roles (one row per role). */
  private async findPrincipalWhere(column: 'principals.id' | 'principals.name', value: string): Promise<Principal | undefined> {
    const rows = await this.db
      .selectFrom('principals')
      .leftJoin('principal_roles', 'principal_roles.principal_id', 'principals.id')
      .select([
        'principals.id',
        'principals.name',
        'principals.kind',
        'principals.disabled',
        'principals.created_at',
        'principals.attributes',
        'principal_roles.role',
      ])
      .where(column, '=', value)
      .execute();
    const row = rows[0];
    if (!row) return undefined;
    return toPrincipal(
      row,
      rows.flatMap((r) => (r.role === null ? [] : [r.role])),
    );
  }
}

function toStoredKey(row: ApiKeyRow): StoredApiKey {
  return {
    id: row.id,
    principalId: row.principal_id,
    name: row.name,
    hash: row.hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
