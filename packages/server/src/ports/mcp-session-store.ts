/**
 * One MCP session as stored. Only the SHA-256 of the session id is kept, so a copy of the table does not
 * let anyone take over a session; the principal and endpoint scope bind it to its owner.
 */
export interface McpSessionRecord {
  /** SHA-256 (hex) of the `Mcp-Session-Id` the client holds. */
  readonly idHash: string;
  readonly principalId: string;
  /** The endpoint it was opened on: '' for `/mcp`, the plugin name for `/mcp/{plugin}`. */
  readonly scope: string;
  readonly protocolVersion: string;
  readonly clientName: string | null;
  readonly clientVersion: string | null;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

/**
 * Where MCP sessions live: outside process memory, so any gateway node can serve a session's next request.
 * Times are ISO-8601 strings (sortable).
 */
export interface McpSessionStore {
  create(session: McpSessionRecord): Promise<void>;
  /** The session, or undefined when there is none with this hash (expired ones are still returned). */
  find(idHash: string): Promise<McpSessionRecord | undefined>;
  touch(idHash: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Removes sessions whose expiry is at or before `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}
