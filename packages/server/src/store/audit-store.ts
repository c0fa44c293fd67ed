import type { CompiledQuery, Kysely } from 'kysely';
import {
  AUDIT_EVENT_TYPES,
  openAuditEvent,
  type AuditDecision,
  type AuditEvent,
  type AuditOutcome,
  type StoredAuditEvent,
  type Surface,
} from '../core/audit-event.js';
import type { ErrorCode } from '../core/errors.js';
import type { Selectable } from 'kysely';
import type { AuditEventRow, Database } from './database-schema.js';

export interface AuditQuery {
  readonly principalId?: string;
  readonly action?: string;
  readonly decision?: AuditDecision;
  readonly errorCode?: string;
  readonly since?: string;
  readonly until?: string;
  /** Return events with seq greater than this (oldest first): for tailing. */
  readonly afterSeq?: number;
  /** Return events with seq less than this (newest first): for paging back. */
  readonly beforeSeq?: number;
  readonly limit: number;
}

/** SQLite caps bound variables per statement; 18 columns × 50 rows stays well under it. */
const ROWS_PER_STATEMENT = 50;

/** The audit table: appended in batches, read with filters and keyset paging. */
export class AuditStore {
  /**
   * Batches are written on every call's path, so each batch size's insert is built and compiled once
   * (at most ROWS_PER_STATEMENT of them) and then only executed with new parameters: building a Kysely
   * query costs more than running it. Rows are bound in `toRow`'s column order, the order the
   * template was compiled with.
   */
  private readonly inserts = new Map<number, CompiledQuery>();

  constructor(private readonly db: Kysely<Database>) {}

  async appendBatch(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One statement is atomic on its own; an explicit transaction is needed only across statements.
    if (events.length <= ROWS_PER_STATEMENT) {
      await this.db.executeQuery(this.insertOf(events));
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
        await trx.executeQuery(this.insertOf(events.slice(i, i + ROWS_PER_STATEMENT)));
      }
    });
  }

  private insertOf(events: readonly AuditEvent[]): CompiledQuery {
    let compiled = this.inserts.get(events.length);
    if (compiled === undefined) {
      compiled = this.db
        .insertInto('audit_events')
        .values(events.map(() => toRow(TEMPLATE)))
        .compile();
      this.inserts.set(events.length, compiled);
    }
    const parameters: unknown[] = [];
    for (const event of events) parameters.push(...Object.values(toRow(event)));
    return { ...compiled, parameters };
  }

  async query(q: AuditQuery): Promise<StoredAuditEvent[]> {
    const ascending = q.afterSeq !== undefined;
    let sel = this.db.selectFrom('audit_events').selectAll();
    if (q.principalId !== undefined) sel = sel.where('principal_id', '=', q.principalId);
    if (q.action !== undefined) sel = sel.where('action', '=', q.action);
    if (q.decision !== undefined) sel = sel.where('decision', '=', q.decision);
    if (q.errorCode !== undefined) sel = sel.where('error_code', '=', q.errorCode);
    if (q.since !== undefined) sel = sel.where('time', '>=', q.since);
    if (q.until !== undefined) sel = sel.where('time', '<', q.until);
    if (q.afterSeq !== undefined) sel = sel.where('seq', '>', q.afterSeq);
    if (q.beforeSeq !== undefined) sel = sel.where('seq', '<', q.beforeSeq);
    const rows = await sel
      .orderBy('seq', ascending ? 'asc' : 'desc')
      .limit(q.limit)
      .execute();
    return rows.map(fromRow);
  }
}

const TEMPLATE: AuditEvent = openAuditEvent({
  callId: '',
  time: '',
  type: 'tool_call',
  surface: 'rest',
  requestId: '',
  environment: '',
  action: '',
});

function toRow(e: AuditEvent): Omit<AuditEventRow, 'seq'> {
  return {
    call_id: e.callId,
    time: e.time,
    type: e.type,
    surface: e.surface,
    request_id: e.requestId,
    environment: e.environment,
    principal_id: e.principalId,
    principal_name: e.principalName,
    action: e.action,
    plugin_name: e.pluginName,
    tool_hash: e.toolHash,
    decision: e.decision,
    reason: e.reason,
    error_code: e.errorCode,
    outcome: e.outcome,
    upstream_status: e.upstreamStatus,
    latency_ms: e.latencyMs,
    args_digest: e.argsDigest,
  };
}

function fromRow(r: Selectable<AuditEventRow>): StoredAuditEvent {
  return {
    seq: Number(r.seq),
    callId: r.call_id,
    time: r.time,
    type: AUDIT_EVENT_TYPES.find((t) => t === r.type) ?? 'tool_call',
    surface: r.surface as Surface,
    requestId: r.request_id,
    environment: r.environment,
    principalId: r.principal_id,
    principalName: r.principal_name,
    action: r.action,
    pluginName: r.plugin_name,
    toolHash: r.tool_hash,
    decision: r.decision as AuditDecision,
    reason: r.reason,
    errorCode: r.error_code as ErrorCode | null,
    outcome: r.outcome as AuditOutcome,
    upstreamStatus: r.upstream_status,
    latencyMs: r.latency_ms,
    argsDigest: r.args_digest,
  };
}
