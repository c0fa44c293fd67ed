import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { GatewayError } from '../core/gateway-error.js';
import type { Principal, PrincipalAttributeValue, PrincipalKind } from '../core/principal.js';
import type { Database, PrincipalRow } from './database-schema.js';

export interface NewPrincipal {
  readonly name: string;
  readonly kind: PrincipalKind;
  readonly roles: readonly string[];
  /** Already validated against config `policy.principalAttributes` by the caller. */
  readonly attributes?: Readonly<Record<string, PrincipalAttributeValue>>;
}

/** Users and service accounts with their roles. */
export class PrincipalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: NewPrincipal, now: Date): Promise<Principal> {
    if (await this.findByName(input.name)) {
      throw new GatewayError('CONFLICT', { message: `A principal named "${input.name}" already exists. Choose another name.` });
    }
    const row: PrincipalRow = {
      id: randomUUID(),
      name: input.name,
      kind: input.kind,
      disabled: 0,
      attributes: JSON.stringify(input.attributes ?? {}),
      created_at: now.toISOString(),
    };
    const roles = [...new Set(input.roles)];
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('principals').values(row).execute();
      if (roles.length > 0) {
        await trx
          .insertInto('principal_roles')
          .values(roles.map((role) => ({ principal_id: row.id, role })))
          .execute();
      }
    });
    return toPrincipal(row, roles);
  }

  async list(): Promise<Principal[]> {
    const rows = await this.db.selectFrom('principals').selectAll().orderBy('name').execute();
    const roles = await this.db.selectFrom('principal_roles').selectAll().execute();
    return rows.map((r) =>
      toPrincipal(
        r,
        roles.filter((x) => x.principal_id === r.id).map((x) => x.role),
      ),
    );
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('principals')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async findById(id: string): Promise<Principal | undefined> {
    const row = await this.db.selectFrom('principals').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPrincipal(row, await this.rolesOf(row.id)) : undefined;
  }

  async findByName(name: string): Promise<Principal | undefined> {
    const row = await this.db.selectFrom('principals').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toPrincipal(row, await this.rolesOf(row.id)) : undefined;
  }

  /** Resolves an id or a name, as CLI users type either. */
  async require(idOrName: string): Promise<Principal> {
    const found = (await this.findById(idOrName)) ?? (await this.findByName(idOrName));
    if (!found)
      throw new GatewayError('NOT_FOUND', { message: `No principal "${idOrName}". List principals with GET /v1/admin/principals.` });
    return found;
  }

  async update(
    id: string,
    change: { roles?: readonly string[]; disabled?: boolean; attributes?: Readonly<Record<string, PrincipalAttributeValue>> },
  ): Promise<Principal> {
    await this.db.transaction().execute(async (trx) => {
      if (change.attributes !== undefined) {
        await trx
          .updateTable('principals')
          .set({ attributes: JSON.stringify(change.attributes) })
          .where('id', '=', id)
          .execute();
      }
      if (change.disabled !== undefined) {
        await trx
          .updateTable('principals')
          .set({ disabled: change.disabled ? 1 : 0 })
          .where('id', '=', id)
          .execute();
      }
      if (change.roles !== undefined) {
        await trx.deleteFrom('principal_roles').where('principal_id', '=', id).execute();
        const roles = [...new Set(change.roles)];
        if (roles.length > 0)
          await trx
            .insertInto('principal_roles')
            .values(roles.map((role) => ({ principal_id: id, role })))
            .execute();
      }
    });
    return this.require(id);
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('principals').where('id', '=', id).execute();
  }

  private async rolesOf(principalId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('principal_roles')
      .select('role')
      .where('principal_id', '=', principalId)
      .orderBy('role')
      .execute();
    return rows.map((r) => r.role);
  }
}

export function toPrincipal(row: PrincipalRow, roles: readonly string[]): Principal {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === 'service' ? 'service' : 'user',
    roles: [...roles].sort(),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    attributes: parseAttributes(row.attributes),
  };
}

function parseAttributes(json: string): Record<string, PrincipalAttributeValue> {
  const value: unknown = JSON.parse(json);
  // The column is written only from validated input; anything else is an empty set of attributes.
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, PrincipalAttributeValue>) : {};
}
