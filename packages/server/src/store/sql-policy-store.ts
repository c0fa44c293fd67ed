import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { GatewayError } from '../core/gateway-error.js';
import type { Policy, PolicyChange, PolicyChangeAction, PolicyStatus, PolicyTargetType } from '../core/policy.js';
import type { NewPolicy, PolicyStore } from '../ports/policy-store.js';
import type { Database, PolicyChangeRow, PolicyRow } from './database-schema.js';

/** Conditional policies and their change log in the gateway database (SQLite or PostgreSQL). */
export class SqlPolicyStore implements PolicyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<Policy[]> {
    return (await this.db.selectFrom('policies').selectAll().orderBy('name').execute()).map(toPolicy);
  }

  async find(idOrName: string): Promise<Policy | undefined> {
    const row = await this.db
      .selectFrom('policies')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
    return row ? toPolicy(row) : undefined;
  }

  async version(): Promise<number> {
    return currentVersion(this.db);
  }

  async create(input: NewPolicy, now: Date): Promise<{ policy: Policy; version: number }> {
    const time = now.toISOString();
    const row: PolicyRow = { id: randomUUID(), ...toColumns(input), created_at: time, updated_at: time };
    return this.db.transaction().execute(async (trx) => {
      await this.refuseDuplicateName(trx, input.name, row.id);
      await trx.insertInto('policies').values(row).execute();
      const version = await recordChange(trx, row.id, 'create', input.cedar, input.createdBy, time);
      return { policy: toPolicy(row), version };
    });
  }

  async update(id: string, input: NewPolicy, action: PolicyChangeAction, now: Date): Promise<{ policy: Policy; version: number }> {
    const time = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
      if (!existing) throw notFound(id);
      await this.refuseDuplicateName(trx, input.name, id);
      // The author of record stays the creator; the change log names who changed it.
      const columns = { ...toColumns(input), created_by: existing.created_by, updated_at: time };
      await trx.updateTable('policies').set(columns).where('id', '=', id).execute();
      const version = await recordChange(trx, id, action, input.cedar, input.createdBy, time);
      return { policy: toPolicy({ ...existing, ...columns }), version };
    });
  }

  async remove(id: string, actor: string, now: Date): Promise<{ version: number }> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx.deleteFrom('policies').where('id', '=', id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound(id);
      return { version: await recordChange(trx, id, 'delete', null, actor, now.toISOString()) };
    });
  }

  async changes(opts: { policyId?: string; limit?: number } = {}): Promise<PolicyChange[]> {
    let q = this.db
      .selectFrom('policy_changes')
      .selectAll()
      .orderBy('version', 'desc')
      .limit(opts.limit ?? 100);
    if (opts.policyId !== undefined) q = q.where('policy_id', '=', opts.policyId);
    return (await q.execute()).map(toChange);
  }

  private async refuseDuplicateName(trx: Transaction<Database>, name: string, id: string): Promise<void> {
    const other = await trx.selectFrom('policies').select('id').where('name', '=', name).where('id', '!=', id).executeTakeFirst();
    if (other) {
      throw new GatewayError('CONFLICT', {
        message: `A policy named "${name}" already exists. Choose another name.`,
        details: { path: 'body/name' },
      });
    }
  }
}

async function currentVersion(db: Kysely<Database>): Promise<number> {
  const { v } = await db
    .selectFrom('policy_changes')
    .select((eb) => eb.fn.max<number | null>('version').as('v'))
    .executeTakeFirstOrThrow();
  return v === null ? 0 : Number(v);
}

/** The next version is taken inside the writing transaction, so two changes never share one. */
async function recordChange(
  trx: Transaction<Database>,
  policyId: string,
  action: PolicyChangeAction,
  cedar: string | null,
  actor: string,
  time: string,
): Promise<number> {
  const version = (await currentVersion(trx)) + 1;
  await trx.insertInto('policy_changes').values({ version, policy_id: policyId, action, cedar, actor, time }).execute();
  return version;
}

function notFound(id: string): GatewayError {
  return new GatewayError('NOT_FOUND', { message: `No policy "${id}". List policies with GET /v1/admin/policies.` });
}

function toColumns(p: NewPolicy): Omit<PolicyRow, 'id' | 'created_at' | 'updated_at'> {
  return {
    name: p.name,
    description: p.description,
    target_type: p.targetType,
    target: p.target,
    cedar: p.cedar,
    status: p.status,
    created_by: p.createdBy,
  };
}

function toPolicy(r: PolicyRow): Policy {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    targetType: r.target_type as PolicyTargetType,
    target: r.target,
    cedar: r.cedar,
    status: r.status as PolicyStatus,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toChange(r: PolicyChangeRow): PolicyChange {
  return {
    version: Number(r.version),
    policyId: r.policy_id,
    action: r.action as PolicyChangeAction,
    cedar: r.cedar,
    actor: r.actor,
    time: r.time,
  };
}
