import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { openSqliteDatabase } from './open-database.js';

describe('openSqliteDatabase', () => {
  it('creates the schema in WAL mode and is idempotent on reopen', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'toolgate-db-')), 'toolgate.db');
    const first = await openSqliteDatabase(path);
    await first.close();
    const again = await openSqliteDatabase(path);
    await again.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = raw.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['principals', 'principal_roles', 'api_keys', 'plugins', 'tools', 'grants', 'audit_events', 'meta']),
    );
    const applied = raw.prepare('select name from kysely_migration').all() as { name: string }[];
    expect(applied.map((m) => m.name)).toEqual(['0001-initial']);
    raw.close();
  });

  it('refuses a database whose schema conflicts with the migrations → STORE_MIGRATION_FAILED', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'toolgate-db-')), 'toolgate.db');
    const raw = new Database(path);
    raw.exec('create table principals (something_else text)');
    raw.close();
    const err = await openSqliteDatabase(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('STORE_MIGRATION_FAILED');
    expect((err as GatewayError).message).toContain('0001-initial');
  });
});
