import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { GatewayError } from '../core/gateway-error.js';
import { withCachedStatements } from './cached-statements.js';
import type { Database } from './database-schema.js';
import * as initial from './migrations/0001-initial.js';
import * as toolReview from './migrations/0002-tool-review.js';
import * as mcpSessions from './migrations/0003-mcp-sessions.js';
import * as policies from './migrations/0004-policies.js';
import * as approvals from './migrations/0005-approvals.js';

export type Dialect = 'sqlite' | 'postgres';

/** Versioned migrations, in order. Names sort; never rename or edit a shipped one: add the next. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': { up: (db) => initial.up(db, dialect) },
    '0002-tool-review': { up: (db) => toolReview.up(db) },
    '0003-mcp-sessions': { up: (db) => mcpSessions.up(db) },
    '0004-policies': { up: (db) => policies.up(db) },
    '0005-approvals': { up: (db) => approvals.up(db) },
  };
}

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations(this.dialect));
  }
}

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/** Opens (creating if needed) the embedded SQLite store in WAL mode and brings its schema up to date. */
export async function openSqliteDatabase(path: string): Promise<OpenedDatabase> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withCachedStatements(sqlite) }) });
  try {
    await migrate(db, 'sqlite');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    const why = error instanceof Error ? error.message : JSON.stringify(error);
    throw new GatewayError('STORE_MIGRATION_FAILED', {
      message: `Database migration ${failed?.migrationName ?? '(unknown)'} failed: ${why}. Restore the data directory from a backup, or point dataDir at an empty folder.`,
      reason: why,
    });
  }
}
