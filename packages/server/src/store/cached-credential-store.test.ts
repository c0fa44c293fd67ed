import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseApiKey } from '../core/api-key-format.js';
import type { CredentialStore } from '../ports/credential-store.js';
import { InProcessVisibilityChanges } from '../ports/visibility-changes.js';
import { ApiKeyStore } from './api-key-store.js';
import { CachedCredentialStore } from './cached-credential-store.js';
import { openSqliteDatabase, type OpenedDatabase } from './open-database.js';
import { PrincipalStore } from './principal-store.js';

describe('CachedCredentialStore (real SQLite behind it)', () => {
  let opened: OpenedDatabase;
  let keys: ApiKeyStore;
  let principals: PrincipalStore;
  let now: number;
  const clock = { now: () => now };

  beforeEach(async () => {
    opened = await openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'toolgate-cred-')), 'toolgate.db'));
    keys = new ApiKeyStore(opened.db);
    principals = new PrincipalStore(opened.db);
    now = Date.parse('2026-12-02T10:00:00Z');
  });
  afterEach(async () => {
    await opened.close();
  });

  async function newKey(): Promise<{ id: string; principalId: string }> {
    const principal = await principals.create({ name: `agent-${now}-${Math.random()}`, kind: 'service', roles: [] }, new Date(now));
    const created = await keys.create(principal, 'k', null, new Date(now));
    const parsed = parseApiKey(created.secretKey);
    if (!parsed) throw new Error('key does not parse');
    return { id: parsed.id, principalId: principal.id };
  }

  it('answers from memory within the TTL, so a change made behind its back shows only after the TTL', async () => {
    const feed = new InProcessVisibilityChanges();
    const cached = new CachedCredentialStore(keys, clock, 5_000, feed);
    const { id } = await newKey();
    expect((await cached.findApiKey(id))?.key.revokedAt).toBeNull();
    // Revoked directly in the store (as another node would): no announcement reaches this node.
    await keys.revoke(id, new Date(now));
    now += 4_999;
    expect((await cached.findApiKey(id))?.key.revokedAt).toBeNull();
    now += 2;
    expect((await cached.findApiKey(id))?.key.revokedAt).not.toBeNull();
  });

  it('drops everything when a change is announced, so a revocation applies to the next call', async () => {
    const feed = new InProcessVisibilityChanges();
    const cached = new CachedCredentialStore(keys, clock, 60_000, feed);
    const { id, principalId } = await newKey();
    expect((await cached.findApiKey(id))?.principal.disabled).toBe(false);
    await principals.update(principalId, { disabled: true, roles: ['auditor'] });
    feed.emit();
    const found = await cached.findApiKey(id);
    expect(found?.principal.disabled).toBe(true);
    expect(found?.principal.roles).toEqual(['auditor']);
  });

  it('does not keep a row read before a change that was announced while the lookup ran', async () => {
    const feed = new InProcessVisibilityChanges();
    // The real store reads the row, then the answer is held until the revocation has been announced.
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let read = (): void => {};
    const hasRead = new Promise<void>((resolve) => (read = resolve));
    const slow: CredentialStore = {
      findApiKey: async (keyId) => {
        const row = await keys.findApiKey(keyId);
        read();
        await held;
        return row;
      },
      findPrincipalByName: (name) => keys.findPrincipalByName(name),
      findPrincipalById: (pid) => keys.findPrincipalById(pid),
    };
    const cached = new CachedCredentialStore(slow, clock, 60_000, feed);
    const { id } = await newKey();
    const pending = cached.findApiKey(id);
    await hasRead;
    await keys.revoke(id, new Date(now));
    feed.emit();
    release();
    expect((await pending)?.key.revokedAt).toBeNull();
    expect((await cached.findApiKey(id))?.key.revokedAt).not.toBeNull();
  });

  it('never caches an unknown key, and a TTL of 0 looks up every time', async () => {
    const feed = new InProcessVisibilityChanges();
    const cached = new CachedCredentialStore(keys, clock, 60_000, feed);
    expect(await cached.findApiKey('doesnotexist')).toBeUndefined();
    const uncached = new CachedCredentialStore(keys, clock, 0, feed);
    const { id } = await newKey();
    await uncached.findApiKey(id);
    await keys.revoke(id, new Date(now));
    expect((await uncached.findApiKey(id))?.key.revokedAt).not.toBeNull();
  });
});
