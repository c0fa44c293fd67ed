import type { Kysely } from 'kysely';
import type { McpSessionRecord, McpSessionStore } from '../ports/mcp-session-store.js';
import type { Database, McpSessionRow } from './database-schema.js';

/** The lookup runs on every MCP request that carries a session id, so it is compiled once (see api-key-store.ts). */
function compileFind(db: Kysely<Database>) {
  return db.selectFrom('mcp_sessions').selectAll().where('id_hash', '=', '').compile();
}

/** MCP sessions in the `mcp_sessions` table (SQLite now; the same queries serve PostgreSQL). */
export class McpSessionTable implements McpSessionStore {
  private readonly findQuery: ReturnType<typeof compileFind>;

  constructor(private readonly db: Kysely<Database>) {
    this.findQuery = compileFind(db);
  }

  async create(session: McpSessionRecord): Promise<void> {
    await this.db.insertInto('mcp_sessions').values(toRow(session)).execute();
  }

  async find(idHash: string): Promise<McpSessionRecord | undefined> {
    const query: typeof this.findQuery = { ...this.findQuery, parameters: [idHash] };
    const { rows } = await this.db.executeQuery(query);
    const row = rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async touch(idHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db
      .updateTable('mcp_sessions')
      .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('mcp_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.deleteFrom('mcp_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRow(s: McpSessionRecord): McpSessionRow {
  return {
    id_hash: s.idHash,
    principal_id: s.principalId,
    scope: s.scope,
    protocol_version: s.protocolVersion,
    client_name: s.clientName,
    client_version: s.clientVersion,
    created_at: s.createdAt,
    last_seen_at: s.lastSeenAt,
    expires_at: s.expiresAt,
  };
}

function toRecord(r: McpSessionRow): McpSessionRecord {
  return {
    idHash: r.id_hash,
    principalId: r.principal_id,
    scope: r.scope,
    protocolVersion: r.protocol_version,
    clientName: r.client_name,
    clientVersion: r.client_version,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}
