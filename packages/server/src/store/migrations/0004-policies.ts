import type { Kysely } from 'kysely';

/**
 * Issue 5, policy model: grant actions, principal attributes for conditional policies, the Cedar
 * policies themselves, the monotonic policy version and a change log of every policy change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON array of GrantAction; existing grants were invoke grants.
  await db.schema
    .alterTable('grants')
    .addColumn('actions', 'text', (c) => c.notNull().defaultTo('["invoke"]'))
    .execute();
  // JSON object, typed by config `policy.principalAttributes`.
  await db.schema
    .alterTable('principals')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('cedar', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('policy_changes')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('cedar', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .execute();
}
