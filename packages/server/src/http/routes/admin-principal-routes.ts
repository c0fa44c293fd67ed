import type { FastifyInstance } from 'fastify';
import { CreateKeyRequest, CreatePrincipalRequest, UpdatePrincipalRequest } from '@toolgate/contract';
import { refreshGrants } from '../../admin/admin-context.js';
import { GatewayError } from '../../core/gateway-error.js';
import { checkPrincipalAttributes } from '../../policy/cedar-schema.js';
import type { StoredApiKey } from '../../ports/credential-store.js';
import { auditAdmin, requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';

/** Never send a key's hash, even to admins. */
function keyView(key: StoredApiKey, now: number): Omit<StoredApiKey, 'hash'> & { status: string } {
  const { hash: _hash, ...rest } = key;
  const status = key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && Date.parse(key.expiresAt) <= now ? 'expired' : 'active';
  return { ...rest, status };
}

export function registerAdminPrincipalRoutes(app: FastifyInstance, services: HttpServices): void {
  const ctx = services.admin;
  const now = (): Date => new Date(ctx.clock.now());

  app.get('/v1/admin/principals', async (req) => {
    await requireAdmin(services, req, 'principals.list');
    return { principals: await ctx.principals.list() };
  });

  app.post<{ Body: CreatePrincipalRequest }>('/v1/admin/principals', { schema: { body: CreatePrincipalRequest } }, async (req, reply) => {
    const admin = await requireAdmin(services, req, 'principals.create');
    const attributes = req.body.attributes ?? {};
    checkPrincipalAttributes(attributes, ctx.authorizer.principalAttributeTypes);
    const principal = await ctx.principals.create(
      { name: req.body.name, kind: req.body.kind ?? 'user', roles: req.body.roles ?? [], attributes },
      now(),
    );
    await auditAdmin(
      services,
      req,
      'principals.create',
      admin,
      'allow',
      undefined,
      `created ${principal.name} (${principal.roles.join(',')})`,
    );
    return reply.code(201).send({ principal });
  });

  app.get<{ Params: { id: string } }>('/v1/admin/principals/:id', async (req) => {
    await requireAdmin(services, req, 'principals.show');
    const principal = await ctx.principals.require(req.params.id);
    const keys = await ctx.keys.list(principal.id);
    return { principal, keys: keys.map((k) => keyView(k, ctx.clock.now())) };
  });

  app.patch<{ Params: { id: string }; Body: UpdatePrincipalRequest }>(
    '/v1/admin/principals/:id',
    { schema: { body: UpdatePrincipalRequest } },
    async (req) => {
      const admin = await requireAdmin(services, req, 'principals.update');
      const target = await ctx.principals.require(req.params.id);
      if (req.body.attributes !== undefined) checkPrincipalAttributes(req.body.attributes, ctx.authorizer.principalAttributeTypes);
      const principal = await ctx.principals.update(target.id, {
        ...(req.body.roles !== undefined ? { roles: req.body.roles } : {}),
        ...(req.body.attributes !== undefined ? { attributes: req.body.attributes } : {}),
        ...(req.body.disabled !== undefined ? { disabled: req.body.disabled } : {}),
      });
      // Roles and the disabled flag change what the principal may see: tell open MCP streams.
      ctx.visibilityChanges.emit();
      await auditAdmin(
        services,
        req,
        'principals.update',
        admin,
        'allow',
        undefined,
        `updated ${principal.name}: ${JSON.stringify(req.body)}`,
      );
      return { principal };
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/admin/principals/:id', async (req) => {
    const admin = await requireAdmin(services, req, 'principals.remove');
    const target = await ctx.principals.require(req.params.id);
    if (target.id === admin.id) {
      throw new GatewayError('BAD_REQUEST', { message: 'You cannot remove yourself. Ask another administrator.', details: { path: 'id' } });
    }
    await ctx.grants.removeForPrincipal(target.id);
    await ctx.principals.remove(target.id);
    await refreshGrants(ctx);
    await auditAdmin(services, req, 'principals.remove', admin, 'allow', undefined, `removed ${target.name}`);
    return { removed: target.id };
  });

  app.get<{ Querystring: { principal?: string } }>('/v1/admin/keys', async (req) => {
    await requireAdmin(services, req, 'keys.list');
    const principalId = req.query.principal !== undefined ? (await ctx.principals.require(req.query.principal)).id : undefined;
    const keys = await ctx.keys.list(principalId);
    return { keys: keys.map((k) => keyView(k, ctx.clock.now())) };
  });

  app.post<{ Body: CreateKeyRequest }>('/v1/admin/keys', { schema: { body: CreateKeyRequest } }, async (req, reply) => {
    const admin = await requireAdmin(services, req, 'keys.create');
    const owner = await ctx.principals.require(req.body.principal);
    if (req.body.expiresAt !== undefined && req.body.expiresInDays !== undefined) {
      throw new GatewayError('BAD_REQUEST', {
        message: 'Send either expiresAt or expiresInDays, not both.',
        details: { path: 'body/expiresAt' },
      });
    }
    const expiresAt =
      req.body.expiresAt !== undefined
        ? new Date(req.body.expiresAt)
        : req.body.expiresInDays !== undefined
          ? new Date(ctx.clock.now() + req.body.expiresInDays * 86_400_000)
          : null;
    if (expiresAt !== null && expiresAt.getTime() <= ctx.clock.now()) {
      throw new GatewayError('BAD_REQUEST', {
        message: 'expiresAt is in the past. Send a future time.',
        details: { path: 'body/expiresAt' },
      });
    }
    const created = await ctx.keys.create(owner, req.body.name ?? 'api key', expiresAt, now());
    await auditAdmin(services, req, 'keys.create', admin, 'allow', undefined, `key ${created.key.id} for ${owner.name}`);
    return reply
      .code(201)
      .send({ key: created.secretKey, ...keyView(created.key, ctx.clock.now()), notice: 'Store this key now: it is shown only once.' });
  });

  app.post<{ Params: { id: string } }>('/v1/admin/keys/:id/revoke', async (req) => {
    const admin = await requireAdmin(services, req, 'keys.revoke');
    const key = await ctx.keys.revoke(req.params.id, now());
    // Open MCP notification streams re-authenticate on a change: one on this key ends now.
    ctx.visibilityChanges.emit();
    await auditAdmin(services, req, 'keys.revoke', admin, 'allow', undefined, `revoked key ${key.id}`);
    return { key: keyView(key, ctx.clock.now()) };
  });
}
