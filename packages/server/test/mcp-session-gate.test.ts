import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/core/audit-event.js';
import { GatewayError } from '../src/core/gateway-error.js';
import type { Principal } from '../src/core/principal.js';
import { McpSessionGate, TOUCH_INTERVAL_MS } from '../src/mcp/session-gate.js';
import { McpSessionTable } from '../src/store/mcp-session-table.js';
import { openSqliteDatabase, type OpenedDatabase } from '../src/store/open-database.js';
import { PrincipalStore } from '../src/store/principal-store.js';

// Sessions in a real SQLite store, with a clock the test moves.
describe('McpSessionGate', () => {
  let store: OpenedDatabase;
  let table: McpSessionTable;
  let gate: McpSessionGate;
  let alice: Principal;
  let bob: Principal;
  const audited: AuditEvent[] = [];
  let now = Date.parse('2030-01-01T00:00:00Z');
  const client = { protocolVersion: '2025-11-25', clientName: 'test', clientVersion: '1' };
  const code = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (err: unknown) => (err instanceof GatewayError ? err.code : String(err)),
    );

  beforeEach(async () => {
    store = await openSqliteDatabase(':memory:');
    table = new McpSessionTable(store.db);
    const principals = new PrincipalStore(store.db);
    alice = await principals.create({ name: 'alice', kind: 'user', roles: [] }, new Date(now));
    bob = await principals.create({ name: 'bob', kind: 'user', roles: [] }, new Date(now));
    audited.length = 0;
    gate = new McpSessionGate({
      sessions: table,
      audit: { append: async (event) => void audited.push(event) },
      clock: { now: () => now },
      environment: 'test',
      sessionTtlSeconds: 3600,
    });
  });
  afterEach(async () => store.close());

  it('stores only the hash of the id, bound to principal and endpoint', async () => {
    const id = await gate.open(alice, 'orders', client, 'r1');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await store.db.selectFrom('mcp_sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(rows[0]).toMatchObject({ principal_id: alice.id, scope: 'orders', protocol_version: '2025-11-25', client_name: 'test' });
    expect(await gate.check(id, alice, 'orders', 'r2')).toMatchObject({ principalId: alice.id });
    expect(audited.map((e) => [e.type, e.action, e.decision])).toEqual([['session', 'mcp.session.open', 'allow']]);
  });

  it('refuses another principal or endpoint (audited) and unknown, malformed or expired ids', async () => {
    const id = await gate.open(alice, '', client, 'r1');
    expect(await code(gate.check(id, bob, '', 'r2'))).toBe('MCP_SESSION_FORBIDDEN');
    expect(await code(gate.check(id, alice, 'orders', 'r3'))).toBe('MCP_SESSION_FORBIDDEN');
    expect(audited.filter((e) => e.action === 'mcp.session.refused').map((e) => [e.principalName, e.decision, e.errorCode])).toEqual([
      ['bob', 'deny', 'MCP_SESSION_FORBIDDEN'],
      ['alice', 'deny', 'MCP_SESSION_FORBIDDEN'],
    ]);
    expect(await code(gate.check('x'.repeat(43), alice, '', 'r4'))).toBe('MCP_SESSION_NOT_FOUND');
    expect(await code(gate.check('short', alice, '', 'r5'))).toBe('MCP_SESSION_NOT_FOUND');
    now += 3600_000;
    expect(await code(gate.check(id, alice, '', 'r6'))).toBe('MCP_SESSION_NOT_FOUND');
  });

  it('extends the idle expiry with use, writing at most once a minute; sweeps expired sessions on open', async () => {
    const id = await gate.open(alice, '', client, 'r1');
    const first = await gate.check(id, alice, '', 'r2');
    now += TOUCH_INTERVAL_MS - 1;
    expect((await gate.check(id, alice, '', 'r3')).lastSeenAt).toBe(first.lastSeenAt);
    now += 1;
    const touched = await gate.check(id, alice, '', 'r4');
    expect(Date.parse(touched.lastSeenAt)).toBe(now);
    expect(Date.parse(touched.expiresAt)).toBe(now + 3600_000);
    expect((await table.find(touched.idHash))?.expiresAt).toBe(touched.expiresAt);

    now += 3600_000;
    await gate.open(bob, '', client, 'r5');
    const left = await store.db.selectFrom('mcp_sessions').select('principal_id').execute();
    expect(left).toEqual([{ principal_id: bob.id }]);
  });

  it('ends a session', async () => {
    const id = await gate.open(alice, '', client, 'r1');
    await gate.end(await gate.check(id, alice, '', 'r2'), alice, 'r3');
    expect(await code(gate.check(id, alice, '', 'r4'))).toBe('MCP_SESSION_NOT_FOUND');
    expect(audited.at(-1)).toMatchObject({ action: 'mcp.session.close', type: 'session', surface: 'mcp' });
  });
});
