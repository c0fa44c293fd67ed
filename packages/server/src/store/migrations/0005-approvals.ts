import type { Kysely } from 'kysely';

/**
 * Approval requests: the exact call a requester suggested, the decisions on it, and the kept result.
 * `version` makes every update conditional, so concurrent approvers never overwrite each other and the
 * final approval claims the request once (status pending → approved) on SQLite and PostgreSQL alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // No foreign key: the record of who asked outlives the principal.
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('tool_name', 'text', (c) => c.notNull())
    .addColumn('plugin_name', 'text', (c) => c.notNull())
    .addColumn('definition_hash', 'text', (c) => c.notNull())
    .addColumn('args', 'text', (c) => c.notNull())
    .addColumn('args_digest', 'text', (c) => c.notNull())
    .addColumn('edited_args', 'text')
    .addColumn('edited_args_digest', 'text')
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('required_approvals', 'integer', (c) => c.notNull())
    .addColumn('decisions', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('executed_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // NULL keys are distinct in both SQLite and PostgreSQL, so calls without a key never collide.
  await db.schema.createIndex('approvals_idempotency').unique().on('approvals').columns(['requester_id', 'idempotency_key']).execute();
  await db.schema.createIndex('approvals_status_expires').on('approvals').columns(['status', 'expires_at']).execute();
  await db.schema.createIndex('approvals_tool').on('approvals').columns(['tool_name', 'status']).execute();
}
