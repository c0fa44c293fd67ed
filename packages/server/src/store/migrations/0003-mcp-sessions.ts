import type { Kysely } from 'kysely';

/**
 * MCP sessions, kept in the database rather than in a node's memory so any gateway node can serve a
 * session's next request. Only the SHA-256 of the session id is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('protocol_version', 'text', (c) => c.notNull())
    .addColumn('client_name', 'text')
    .addColumn('client_version', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mcp_sessions_expires_at').on('mcp_sessions').column('expires_at').execute();
  await db.schema.createIndex('mcp_sessions_principal').on('mcp_sessions').column('principal_id').execute();
}
