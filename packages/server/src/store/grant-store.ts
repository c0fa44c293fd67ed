import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { GatewayError } from '../core/gateway-error.js';
import {
  GRANT_ACTIONS,
  type Grant,
  type GrantAction,
  type GrantEffect,
  type GrantSubjectType,
  type GrantTargetType,
} from '../core/grant.js';
import type { Database, GrantRow } from './database-schema.js';

/** `actions` defaults to `['invoke']`, what every grant meant before grants had actions. */
export type NewGrant = Omit<Grant, 'id' | 'createdAt' | 'actions'> & { readonly actions?: readonly GrantAction[] };

export class GrantStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: NewGrant, now: Date): Promise<Grant> {
    const row: GrantRow = {
      id: randomUUID(),
      subject_type: input.subjectType,
      subject: input.subject,
      target_type: input.targetType,
      target: input.target,
      environment: input.environment,
      effect: input.effect,
      require_approval: input.requireApproval ? 1 : 0,
      actions: JSON.stringify(normalizeActions(input.actions ?? ['invoke'])),
      expires_at: input.expiresAt,
      created_at: now.toISOString(),
    };
    await this.db.insertInto('grants').values(row).execute();
    return toGrant(row);
  }

  async list(): Promise<Grant[]> {
    return (await this.db.selectFrom('grants').selectAll().orderBy('created_at').orderBy('id').execute()).map(toGrant);
  }

  async remove(id: string): Promise<void> {
    const res = await this.db.deleteFrom('grants').where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) {
      throw new GatewayError('NOT_FOUND', { message: `No grant with id "${id}". List grants with GET /v1/admin/grants.` });
    }
  }

  /** Grants of a principal (by id) disappear with it. */
  async removeForPrincipal(principalId: string): Promise<void> {
    await this.db.deleteFrom('grants').where('subject_type', '=', 'principal').where('subject', '=', principalId).execute();
  }
}

function toGrant(r: GrantRow): Grant {
  return {
    id: r.id,
    subjectType: r.subject_type as GrantSubjectType,
    subject: r.subject,
    targetType: r.target_type as GrantTargetType,
    target: r.target,
    environment: r.environment,
    effect: r.effect as GrantEffect,
    requireApproval: r.require_approval !== 0,
    actions: parseActions(r.actions),
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

/** Deduplicated, in canonical order; an empty list is refused (a grant that permits nothing is a mistake). */
export function normalizeActions(actions: readonly GrantAction[]): GrantAction[] {
  const set = new Set(actions);
  if (set.size === 0) {
    throw new GatewayError('BAD_REQUEST', { message: `A grant needs at least one action: ${GRANT_ACTIONS.join(', ')}.` });
  }
  return GRANT_ACTIONS.filter((a) => set.has(a));
}

function parseActions(json: string): GrantAction[] {
  const value: unknown = JSON.parse(json);
  const known = new Set<string>(GRANT_ACTIONS);
  // Unknown words grant nothing, so a bad row can only narrow access.
  return Array.isArray(value) ? GRANT_ACTIONS.filter((a) => value.includes(a) && known.has(a)) : [];
}
