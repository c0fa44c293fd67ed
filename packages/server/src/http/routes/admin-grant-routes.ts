import type { FastifyInstance } from 'fastify';
import { AuditQueryString, CreateGrantRequest } from '@toolgate/contract';
import { refreshGrants } from '../../admin/admin-context.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { StoredAuditEvent } from '../../core/audit-event.js';
import { auditAdmin, requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';

export function registerAdminGrantRoutes(app: FastifyInstance, services: HttpServices): void {
  const ctx = services.admin;

  app.get('/v1/admin/grants', async (req) => {
    await requireAdmin(services, req, 'grants.list');
    return { grants: await ctx.grants.list() };
  });

  app.post<{ Body: CreateGrantRequest }>('/v1/admin/grants', { schema: { body: CreateGrantRequest } }, async (req, reply) => {
    const admin = await requireAdmin(services, req, 'grants.create');
    const [subjectType, ...subjectRest] = req.body.subject.split(':');
    const [targetType, ...targetRest] = req.body.target.split(':');
    let subject = subjectRest.join(':');
    const target = targetRest.join(':');
    // Principals are stored by id so renaming never moves a grant; accept a name for convenience.
    if (subjectType === 'principal') subject = (await ctx.principals.require(subject)).id;
    if (targetType === 'plugin') await ctx.plugins.require(target);
    if (targetType === 'tool' && !ctx.catalog.get(target)) {
      throw new GatewayError('NOT_FOUND', {
        message: `No tool named "${target}". List tools with GET /v1/admin/tools.`,
        details: { path: 'body/target' },
      });
    }
    if (req.body.expiresAt !== undefined && Date.parse(req.body.expiresAt) <= ctx.clock.now()) {
      throw new GatewayError('BAD_REQUEST', {
        message: 'expiresAt is in the past. Send a future time.',
        details: { path: 'body/expiresAt' },
      });
    }
    const grant = await ctx.grants.create(
      {
        subjectType: subjectType === 'principal' ? 'principal' : 'role',
        subject,
        targetType: targetType === 'plugin' ? 'plugin' : 'tool',
        target,
        environment: req.body.environment ?? '*',
        effect: req.body.effect ?? 'allow',
        requireApproval: req.body.requireApproval ?? false,
        actions: req.body.actions ?? ['invoke'],
        expiresAt: req.body.expiresAt !== undefined ? new Date(req.body.expiresAt).toISOString() : null,
      },
      new Date(ctx.clock.now()),
    );
    await refreshGrants(ctx);
    await auditAdmin(
      services,
      req,
      'grants.create',
      admin,
      'allow',
      undefined,
      `grant ${grant.id}: ${req.body.subject} ${grant.effect} ${grant.actions.join('+')} ${req.body.target} env ${grant.environment}`,
    );
    return reply.code(201).send({ grant });
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/grants/:id', async (req) => {
    const admin = await requireAdmin(services, req, 'grants.remove');
    await ctx.grants.remove(req.params.id);
    await refreshGrants(ctx);
    await auditAdmin(services, req, 'grants.remove', admin, 'allow', undefined, `removed grant ${req.params.id}`);
    return { removed: req.params.id };
  });

  app.get<{ Querystring: AuditQueryString }>('/v1/admin/audit', { schema: { querystring: AuditQueryString } }, async (req) => {
    await requireAdmin(services, req, 'audit.read');
    const q = req.query;
    if (q.before !== undefined && q.after !== undefined) {
      throw new GatewayError('BAD_REQUEST', {
        message: 'Use either "before" (page back) or "after" (tail), not both.',
        details: { path: 'querystring/before' },
      });
    }
    const principalId = q.principal !== undefined ? (await ctx.principals.require(q.principal)).id : undefined;
    const limit = q.limit ?? 100;
    const events: StoredAuditEvent[] = await ctx.auditLog.query({
      limit,
      ...(principalId !== undefined ? { principalId } : {}),
      ...(q.action !== undefined ? { action: q.action } : {}),
      ...(q.decision !== undefined ? { decision: q.decision } : {}),
      ...(q.errorCode !== undefined ? { errorCode: q.errorCode } : {}),
      ...(q.since !== undefined ? { since: new Date(q.since).toISOString() } : {}),
      ...(q.until !== undefined ? { until: new Date(q.until).toISOString() } : {}),
      ...(q.before !== undefined ? { beforeSeq: q.before } : {}),
      ...(q.after !== undefined ? { afterSeq: q.after } : {}),
    });
    const last = events[events.length - 1];
    const page =
      q.after !== undefined ? { nextAfter: last?.seq ?? q.after } : { nextBefore: events.length === limit && last ? last.seq : null };
    return { events, ...page };
  });
}
