import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { openSqliteDatabase } from './open-database.js';
import * as initial from './migrations/0001-initial.js';
import { PluginStore } from './plugin-store.js';

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
      expect.arrayContaining([
        'principals',
        'principal_roles',
        'api_keys',
        'plugins',
        'tools',
        'grants',
        'audit_events',
        'meta',
        'mcp_sessions',
        'approvals',
      ]),
    );
    const applied = raw.prepare('select name from kysely_migration').all() as { name: string }[];
    expect(applied.map((m) => m.name)).toEqual([
      '0001-initial',
      '0002-tool-review',
      '0003-mcp-sessions',
      '0004-policies',
      '0005-approvals',
    ]);
    raw.close();
  });

  it('0002 pins the definitions of tools that were live before pinning existed, and maps disabled to rejected', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'toolgate-db-')), 'toolgate.db');
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(path) }) });
    const only0001 = {
      getMigrations: () => Promise.resolve({ '0001-initial': { up: (db: Kysely<unknown>) => initial.up(db, 'sqlite') } }),
    };
    expect((await new Migrator({ db: old, provider: only0001 }).migrateToLatest()).error).toBeUndefined();
    await sql`insert into plugins values ('p1', 'shop', 'openapi', 'Shop', '', 'https://x.invalid', 0, 1000, 'active', 's', 't', 't')`.execute(
      old,
    );
    for (const [id, status] of [
      ['t1', 'active'],
      ['t2', 'disabled'],
    ]) {
      await sql`insert into tools values (${id}, 'p1', ${`shop__${id}`}, ${id}, null, 'd', '{"type":"object"}', null, null, 'read',
        '{"kind":"http","method":"GET","path":"/","parameters":[]}', ${`hash-${id}`}, ${status}, 't')`.execute(old);
    }
    await old.destroy();
    const upgraded = await openSqliteDatabase(path);
    const tools = await new PluginStore(upgraded.db).listTools();
    await upgraded.close();
    expect(tools.map((t) => [t.name, t.status, t.approvedHash, t.approvedDefinition?.definitionHash])).toEqual([
      ['shop__t1', 'active', 'hash-t1', 'hash-t1'],
      ['shop__t2', 'rejected', undefined, undefined],
    ]);
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
