import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PolicyRequest, PolicySchemaQuery } from '@toolgate/contract';
import { GatewayError } from '../../core/gateway-error.js';
import type { Principal } from '../../core/principal.js';
import type { PolicyInput } from '../../policy/policy-admin.js';
import { auditAdmin, requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';

/** Conditional Cedar policies: every change is validated, bumps the policy version and is audited. */
export function registerAdminPolicyRoutes(app: FastifyInstance, services: HttpServices): void {
  const ctx = services.admin;
  const now = (): Date => new Date(ctx.clock.now());

  app.get('/v1/admin/policies', async (req) => {
    await requireAdmin(services, req, 'policies.list');
    return { policies: await ctx.policies.list(), policyVersion: await ctx.policies.version() };
  });

  app.get('/v1/admin/policy-version', async (req) => {
    await requireAdmin(services, req, 'policies.version');
    return { policyVersion: await ctx.policies.version(), changes: await ctx.policies.changes(20) };
  });

  // Registered before /:id so "schema" is never read as a policy id.
  app.get<{ Querystring: PolicySchemaQuery }>('/v1/admin/policies/schema', { schema: { querystring: PolicySchemaQuery } }, async (req) => {
    await requireAdmin(services, req, 'policies.schema');
    return ctx.policies.schemaFor(req.query.tool);
  });

  app.get<{ Params: { id: string } }>('/v1/admin/policies/:id', async (req) => {
    await requireAdmin(services, req, 'policies.show');
    const policy = await ctx.policies.require(req.params.id);
    return { policy, changes: await ctx.policies.changes(50, policy.id) };
  });

  app.post<{ Body: PolicyRequest }>('/v1/admin/policies', { schema: { body: PolicyRequest } }, async (req, reply) => {
    const admin = await requireAdmin(services, req, 'policies.create');
    const saved = await audited(services, req, admin, 'policies.create', () => ctx.policies.create(toInput(req.body), admin.name, now()));
    return reply.code(201).send(saved);
  });

  app.put<{ Params: { id: string }; Body: PolicyRequest }>('/v1/admin/policies/:id', { schema: { body: PolicyRequest } }, async (req) => {
    const admin = await requireAdmin(services, req, 'policies.update');
    return audited(services, req, admin, 'policies.update', () => ctx.policies.update(req.params.id, toInput(req.body), admin.name, now()));
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/policies/:id', async (req) => {
    const admin = await requireAdmin(services, req, 'policies.remove');
    const removed = await audited(services, req, admin, 'policies.remove', () => ctx.policies.remove(req.params.id, admin.name, now()));
    return { removed: removed.policy.id, policyVersion: removed.policyVersion };
  });
}

/** Audits the change (refusals too, e.g. POLICY_INVALID), naming the policy and the version it produced. */
async function audited<T extends { policy: { id: string; name: string; status: string }; policyVersion: number }>(
  services: HttpServices,
  req: FastifyRequest,
  admin: Principal,
  action: string,
  change: () => Promise<T>,
): Promise<T> {
  try {
    const result = await change();
    const { policy, policyVersion } = result;
    await auditAdmin(
      services,
      req,
      action,
      admin,
      'allow',
      undefined,
      `policy ${policy.id} (${policy.name}, ${policy.status}) → policy version ${policyVersion}`,
    );
    return result;
  } catch (err) {
    if (err instanceof GatewayError) await auditAdmin(services, req, action, admin, 'deny', err, err.reason ?? err.message);
    throw err;
  }
}

function toInput(body: PolicyRequest): PolicyInput {
  if ((body.tool === undefined) === (body.plugin === undefined)) {
    throw new GatewayError('BAD_REQUEST', {
      message: 'Attach the policy to exactly one of "tool" or "plugin".',
      details: { path: 'body/tool' },
    });
  }
  return {
    name: body.name,
    description: body.description ?? '',
    targetType: body.tool !== undefined ? 'tool' : 'plugin',
    target: body.tool ?? body.plugin ?? '',
    cedar: body.cedar,
    status: body.status ?? 'active',
  };
}
