import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running the small
 * queries of the hot path (key lookup, audit insert). This keeps the prepared statements by SQL text,
 * bounded, oldest evicted first. SQLite re-prepares a cached statement itself after a schema change.
 */
export function withCachedStatements(db: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const hit = cache.get(sql);
      if (hit) return hit;
      const stmt = db.prepare(sql);
      if (cache.size >= max) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
