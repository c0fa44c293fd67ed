import type { Kysely } from 'kysely';
import type { ApprovalDecision, ApprovalOutcome, ApprovalRecord, ApprovalStatus } from '../core/approval.js';
import type { Surface } from '../core/audit-event.js';
import { canonicalJson } from '../core/canonical-digest.js';
import type { ApprovalRow, Database } from './database-schema.js';

export interface ApprovalQuery {
  readonly requesterId?: string;
  readonly status?: ApprovalStatus;
  readonly limit: number;
}

/** Approval requests in the database. Every update is conditional on the record's version (optimistic concurrency). */
export class ApprovalStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the request, or returns the one the same requester already made under the same idempotency key. */
  async insertOrFind(record: ApprovalRecord): Promise<ApprovalRecord> {
    if (record.idempotencyKey !== null) {
      const existing = await this.findByKey(record.requesterId, record.idempotencyKey);
      if (existing) return existing;
    }
    try {
      await this.db.insertInto('approvals').values(toRow(record)).execute();
      return record;
    } catch (err) {
      // Two retries racing: the unique index let one insert in; the other reads what it inserted.
      const raced = record.idempotencyKey !== null ? await this.findByKey(record.requesterId, record.idempotencyKey) : undefined;
      if (raced) return raced;
      throw err;
    }
  }

  async find(id: string): Promise<ApprovalRecord | undefined> {
    const row = await this.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(q: ApprovalQuery): Promise<ApprovalRecord[]> {
    let query = this.db.selectFrom('approvals').selectAll();
    if (q.requesterId !== undefined) query = query.where('requester_id', '=', q.requesterId);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(q.limit).execute();
    return rows.map(fromRow);
  }

  /** Pending requests whose expiry is at or before `now` (ISO-8601). */
  async listDue(now: string): Promise<ApprovalRecord[]> {
    const rows = await this.db
      .selectFrom('approvals')
      .selectAll()
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .limit(500)
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Writes `next` only if the stored record is still at `expected.version` (and `next` gets version + 1).
   * Returns the stored record, or undefined when someone else updated it first: the caller re-reads and decides again.
   */
  async update(expected: ApprovalRecord, next: ApprovalRecord): Promise<ApprovalRecord | undefined> {
    const written = { ...next, version: expected.version + 1 };
    const { id, ...fields } = toRow(written);
    const res = await this.db
      .updateTable('approvals')
      .set(fields)
      .where('id', '=', id)
      .where('version', '=', expected.version)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? written : undefined;
  }

  private async findByKey(requesterId: string, key: string): Promise<ApprovalRecord | undefined> {
    const row = await this.db
      .selectFrom('approvals')
      .selectAll()
      .where('requester_id', '=', requesterId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }
}

function toRow(r: ApprovalRecord): ApprovalRow {
  return {
    id: r.id,
    requester_id: r.requesterId,
    requester_name: r.requesterName,
    tool_name: r.toolName,
    plugin_name: r.pluginName,
    definition_hash: r.definitionHash,
    args: canonicalJson(r.args),
    args_digest: r.argsDigest,
    edited_args: r.editedArgs === null ? null : canonicalJson(r.editedArgs),
    edited_args_digest: r.editedArgsDigest,
    policy_version: r.policyVersion,
    reason: r.reason,
    surface: r.surface,
    status: r.status,
    required_approvals: r.requiredApprovals,
    decisions: JSON.stringify(r.decisions),
    expires_at: r.expiresAt,
    idempotency_key: r.idempotencyKey,
    outcome: r.outcome === null ? null : JSON.stringify(r.outcome),
    created_at: r.createdAt,
    decided_at: r.decidedAt,
    executed_at: r.executedAt,
    version: r.version,
  };
}

function fromRow(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    toolName: row.tool_name,
    pluginName: row.plugin_name,
    definitionHash: row.definition_hash,
    args: JSON.parse(row.args) as Record<string, unknown>,
    argsDigest: row.args_digest,
    editedArgs: row.edited_args === null ? null : (JSON.parse(row.edited_args) as Record<string, unknown>),
    editedArgsDigest: row.edited_args_digest,
    policyVersion: row.policy_version,
    reason: row.reason,
    surface: row.surface as Surface,
    status: row.status as ApprovalStatus,
    requiredApprovals: row.required_approvals,
    decisions: JSON.parse(row.decisions) as ApprovalDecision[],
    expiresAt: row.expires_at,
    idempotencyKey: row.idempotency_key,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as ApprovalOutcome),
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    executedAt: row.executed_at,
    version: row.version,
  };
}
