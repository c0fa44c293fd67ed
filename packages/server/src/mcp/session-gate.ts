import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { openAuditEvent, type AuditDecision, type AuditOutcome } from '../core/audit-event.js';
import type { ErrorCode } from '../core/errors.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../core/principal.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { McpSessionRecord, McpSessionStore } from '../ports/mcp-session-store.js';

/** 32 random bytes, base64url: what we hand out; anything else cannot be one of our sessions. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** A session used within this long is not written again: one write a minute at most, not one per request. */
export const TOUCH_INTERVAL_MS = 60_000;

export interface SessionClient {
  readonly protocolVersion: string;
  readonly clientName: string | null;
  readonly clientVersion: string | null;
}

export interface SessionGateDeps {
  readonly sessions: McpSessionStore;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** The environment audit records name. */
  readonly environment: string;
  readonly sessionTtlSeconds: number;
}

function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/**
 * Opens, checks and ends MCP sessions. The id is a bearer secret the client holds; the store keeps only its
 * hash, bound to the principal and endpoint that opened it, so a leaked id is useless to anyone else, and a
 * try with another principal's id is refused and audited.
 */
export class McpSessionGate {
  constructor(private readonly deps: SessionGateDeps) {}

  private get clock(): Clock {
    return this.deps.clock;
  }

  /** Mints a session for `principal` on `scope` and returns the id for the `Mcp-Session-Id` header. */
  async open(principal: Principal, scope: string, client: SessionClient, requestId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const nowIso = new Date(now).toISOString();
    // Expired sessions are swept here, on the (rare) initialize, instead of by a timer on every node.
    await this.deps.sessions.deleteExpired(nowIso);
    await this.deps.sessions.create({
      idHash: hashSessionId(id),
      principalId: principal.id,
      scope,
      ...client,
      createdAt: nowIso,
      lastSeenAt: nowIso,
      expiresAt: this.expiryFrom(now),
    });
    await this.audit('mcp.session.open', { principal, scope, requestId, decision: 'allow', outcome: 'success' });
    return id;
  }

  /**
   * The session `presentedId` names, if it is the caller's on this endpoint. Unknown or expired: 404
   * MCP_SESSION_NOT_FOUND. Another principal's or another endpoint's: 403 MCP_SESSION_FORBIDDEN, audited.
   */
  async check(presentedId: string, principal: Principal, scope: string, requestId: string): Promise<McpSessionRecord> {
    const session = await this.find(presentedId);
    if (session === undefined) throw new GatewayError('MCP_SESSION_NOT_FOUND', { reason: 'unknown or expired session id' });
    if (session.principalId !== principal.id || session.scope !== scope) {
      const reason =
        session.principalId !== principal.id
          ? `session belongs to principal ${session.principalId}`
          : `session was opened on ${endpointOf(session.scope)}, not ${endpointOf(scope)}`;
      await this.audit('mcp.session.refused', {
        principal,
        scope,
        requestId,
        decision: 'deny',
        outcome: 'not_run',
        errorCode: 'MCP_SESSION_FORBIDDEN',
        reason,
      });
      throw new GatewayError('MCP_SESSION_FORBIDDEN', { reason });
    }
    return this.touchIfDue(session);
  }

  /** The live session with this id, or undefined (unknown, malformed or expired). */
  async find(presentedId: string): Promise<McpSessionRecord | undefined> {
    if (!SESSION_ID.test(presentedId)) return undefined;
    return this.live(await this.deps.sessions.find(hashSessionId(presentedId)));
  }

  /** The session re-read by hash (another node may have ended it), or undefined when it is gone or expired. */
  async reread(idHash: string): Promise<McpSessionRecord | undefined> {
    return this.live(await this.deps.sessions.find(idHash));
  }

  /** Extends the session's idle expiry, writing at most once per TOUCH_INTERVAL_MS. */
  async touchIfDue(session: McpSessionRecord): Promise<McpSessionRecord> {
    const now = this.clock.now();
    if (now - Date.parse(session.lastSeenAt) < TOUCH_INTERVAL_MS) return session;
    const touched = { ...session, lastSeenAt: new Date(now).toISOString(), expiresAt: this.expiryFrom(now) };
    await this.deps.sessions.touch(session.idHash, touched.lastSeenAt, touched.expiresAt);
    return touched;
  }

  async end(session: McpSessionRecord, principal: Principal, requestId: string): Promise<void> {
    await this.deps.sessions.delete(session.idHash);
    await this.audit('mcp.session.close', { principal, scope: session.scope, requestId, decision: 'allow', outcome: 'success' });
  }

  private live(session: McpSessionRecord | undefined): McpSessionRecord | undefined {
    return session !== undefined && Date.parse(session.expiresAt) > this.clock.now() ? session : undefined;
  }

  private expiryFrom(now: number): string {
    return new Date(now + this.deps.sessionTtlSeconds * 1000).toISOString();
  }

  private async audit(
    action: string,
    e: {
      principal: Principal;
      scope: string;
      requestId: string;
      decision: AuditDecision;
      outcome: AuditOutcome;
      errorCode?: ErrorCode;
      reason?: string;
    },
  ): Promise<void> {
    await this.deps.audit.append({
      ...openAuditEvent({
        callId: randomUUID(),
        time: new Date(this.clock.now()).toISOString(),
        type: 'session',
        surface: 'mcp',
        requestId: e.requestId,
        environment: this.deps.environment,
        action,
      }),
      principalId: e.principal.id,
      principalName: e.principal.name,
      pluginName: e.scope === '' ? null : e.scope,
      decision: e.decision,
      outcome: e.outcome,
      errorCode: e.errorCode ?? null,
      reason: e.reason ?? `endpoint ${endpointOf(e.scope)}`,
    });
  }
}

function endpointOf(scope: string): string {
  return scope === '' ? '/mcp' : `/mcp/${scope}`;
}
