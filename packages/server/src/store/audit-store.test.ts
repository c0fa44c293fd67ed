import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../core/audit-event.js';
import { AuditStore } from './audit-store.js';
import { openSqliteDatabase, type OpenedDatabase } from './open-database.js';

function event(i: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    callId: `call-${i}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    type: 'tool_call',
    surface: 'rest',
    requestId: `req-${i}`,
    environment: 'development',
    principalId: `p-${i % 3}`,
    principalName: `user${i % 3}`,
    action: i % 2 === 0 ? 'orders__get_order' : 'orders__list_orders',
    pluginName: 'orders',
    toolHash: 'a'.repeat(64),
    decision: 'allow',
    reason: 'allowed by grant g1',
    errorCode: null,
    outcome: 'success',
    upstreamStatus: 200,
    latencyMs: 1.25,
    argsDigest: 'b'.repeat(64),
    ...overrides,
  };
}

describe('AuditStore', () => {
  let store: OpenedDatabase;
  let audit: AuditStore;
  beforeAll(async () => {
    store = await openSqliteDatabase(':memory:');
    audit = new AuditStore(store.db);
  });
  afterAll(() => store.close());

  it('round-trips single events (the precompiled path) with every field, nulls included', async () => {
    const full = event(1);
    const sparse = event(2, {
      principalId: null,
      principalName: null,
      pluginName: null,
      toolHash: null,
      reason: null,
      upstreamStatus: null,
      argsDigest: null,
      decision: 'deny',
      errorCode: 'AUTH_MISSING',
      outcome: 'not_run',
    });
    await audit.appendBatch([full]);
    await audit.appendBatch([sparse]);
    const [second, first] = await audit.query({ limit: 10 });
    expect(first).toEqual({ ...full, seq: 1 });
    expect(second).toEqual({ ...sparse, seq: 2 });
  });

  it('round-trips every field of every row in batches of several sizes (each size compiled once, then reused)', async () => {
    const before = (await audit.query({ limit: 1 }))[0]?.seq ?? 0;
    const sizes = [3, 3, 7, 50, 51];
    const written: AuditEvent[] = [];
    let i = 1000;
    for (const size of sizes) {
      const batch = Array.from({ length: size }, () => {
        i++;
        // Alternate full and sparse rows, so a column bound to the wrong place would show.
        return i % 2 === 0
          ? event(i, { latencyMs: i / 7, upstreamStatus: 200 + (i % 100) })
          : event(i, {
              principalId: null,
              principalName: null,
              reason: null,
              errorCode: 'RATE_LIMITED',
              outcome: 'not_run',
              decision: 'deny',
            });
      });
      await audit.appendBatch(batch);
      written.push(...batch);
    }
    const read = await audit.query({ afterSeq: before, limit: 500 });
    expect(read).toEqual(written.map((e, n) => ({ ...e, seq: before + n + 1 })));
  });

  it('appends large batches in order and pages by sequence', async () => {
    const batch = Array.from({ length: 120 }, (_, i) => event(100 + i));
    await audit.appendBatch(batch);
    const newest = await audit.query({ limit: 5 });
    expect(newest.map((e) => e.callId)).toEqual(['call-219', 'call-218', 'call-217', 'call-216', 'call-215']);
    const tail = await audit.query({ afterSeq: 2, limit: 3 });
    expect(tail.map((e) => e.seq)).toEqual([3, 4, 5]);
    const filtered = await audit.query({ action: 'orders__list_orders', principalId: 'p-1', limit: 500 });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => e.action === 'orders__list_orders' && e.principalId === 'p-1')).toBe(true);
  });
});
