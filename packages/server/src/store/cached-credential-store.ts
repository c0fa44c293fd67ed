import type { Principal } from '../core/principal.js';
import type { Clock } from '../ports/clock.js';
import type { CredentialStore, StoredApiKey } from '../ports/credential-store.js';
import type { VisibilityChanges } from '../ports/visibility-changes.js';

type FoundKey = { key: StoredApiKey; principal: Principal };

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/** Bounds memory when callers present many different keys; the map is cleared, not trimmed (simple, rare). */
const MAX_ENTRIES = 10_000;

/**
 * Keeps found keys and principals in memory for a few seconds, so a call does not pay a database
 * lookup. Every change made through this gateway that could matter (key revoked, principal disabled,
 * removed or given other roles) is announced on the visibility feed and empties the cache at once, so
 * on one node a revocation still applies to the very next call. The TTL bounds how long a change made
 * through another node (or directly in the database) can go unseen. Unknown keys are never cached, and
 * expiry and revocation are still checked by the authenticate stage on every call.
 */
export class CachedCredentialStore implements CredentialStore {
  private keys = new Map<string, Entry<FoundKey>>();
  private principalsByName = new Map<string, Entry<Principal>>();

  constructor(
    private readonly inner: CredentialStore,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    changes: VisibilityChanges,
  ) {
    changes.subscribe(() => this.clear());
  }

  clear(): void {
    // New maps, not emptied ones: a lookup that started before the change stores its (maybe old) row in
    // the map it started with, which is now unreachable.
    this.keys = new Map();
    this.principalsByName = new Map();
  }

  findApiKey(keyId: string): Promise<FoundKey | undefined> {
    return this.cached(this.keys, keyId, () => this.inner.findApiKey(keyId));
  }

  findPrincipalByName(name: string): Promise<Principal | undefined> {
    return this.cached(this.principalsByName, name, () => this.inner.findPrincipalByName(name));
  }

  /** Approved calls look their requester up when they run: rare, so always from the database. */
  findPrincipalById(id: string): Promise<Principal | undefined> {
    return this.inner.findPrincipalById(id);
  }

  private async cached<T>(map: Map<string, Entry<T>>, id: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.ttlMs <= 0) return load();
    const now = this.clock.now();
    const hit = map.get(id);
    if (hit !== undefined && hit.expiresAt > now) return hit.value;
    const value = await load();
    if (value === undefined) {
      map.delete(id);
      return undefined;
    }
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(id, { value, expiresAt: now + this.ttlMs });
    return value;
  }
}
