import type { FastifyInstance } from 'fastify';
import { PolicyExplainRequest, PolicyWhatCanQuery, PolicyWhoCanQuery, ShadowDiffsQuery } from '@toolgate/contract';
import { listShadowDiffs } from '../../store/audit-shadow-diffs.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { CatalogEntry } from '../../ports/tool-catalog.js';
import { explainDecision } from '../../policy/explain-decision.js';
import { whatCan, whoCan } from '../../policy/who-can.js';
import { requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';

/**
 * Explanations of authorization, answered by the gateway's own authorizer (never a second decision
 * path): one request explained, who can use a tool, what a principal can use, and shadow differences.
 */
export function registerAdminPolicyExplainRoutes(app: FastifyInstance, services: HttpServices): void {
  const ctx = services.admin;
  const environment = services.pipeline.settings.environment;
  const tool = (name: string): CatalogEntry => {
    const entry = ctx.catalog.get(name);
    if (!entry) throw new GatewayError('NOT_FOUND', { message: `No tool named "${name}". List tools with GET /v1/admin/tools.` });
    return entry;
  };

  app.post<{ Body: PolicyExplainRequest }>('/v1/admin/policy/explain', { schema: { body: PolicyExplainRequest } }, async (req) => {
    await requireAdmin(services, req, 'policy.explain');
    const principal = await ctx.principals.require(req.body.principal);
    const { tool: t, plugin } = tool(req.body.tool);
    const explanation = explainDecision(ctx.authorizer, {
      principal,
      tool: t,
      plugin,
      environment: req.body.environment ?? environment,
      action: req.body.action ?? 'invoke',
      args: req.body.arguments ?? {},
      surface: 'rest',
      ...(req.body.sourceIp !== undefined ? { sourceIp: req.body.sourceIp } : {}),
    });
    return { principal: { id: principal.id, name: principal.name }, tool: t.name, action: req.body.action ?? 'invoke', ...explanation };
  });

  app.get<{ Querystring: PolicyWhoCanQuery }>('/v1/admin/policy/who-can', { schema: { querystring: PolicyWhoCanQuery } }, async (req) => {
    await requireAdmin(services, req, 'policy.who_can');
    const entry = tool(req.query.tool);
    const action = req.query.action ?? 'invoke';
    const principals = whoCan(ctx.authorizer, await ctx.principals.list(), entry, action, environment);
    const conditions = action === 'invoke' ? ctx.authorizer.attachedPolicies(entry.tool).map((p) => p.name) : [];
    return { tool: entry.tool.name, action, principals, conditions, ...conditionsNote(conditions) };
  });

  app.get<{ Querystring: PolicyWhatCanQuery }>(
    '/v1/admin/policy/what-can',
    { schema: { querystring: PolicyWhatCanQuery } },
    async (req) => {
      await requireAdmin(services, req, 'policy.what_can');
      const principal = await ctx.principals.require(req.query.principal);
      const action = req.query.action ?? 'invoke';
      const tools = whatCan(ctx.authorizer, principal, ctx.catalog.list(), action, environment);
      return { principal: { id: principal.id, name: principal.name }, action, tools };
    },
  );

  app.get<{ Querystring: ShadowDiffsQuery }>(
    '/v1/admin/policy/shadow-diffs',
    { schema: { querystring: ShadowDiffsQuery } },
    async (req) => {
      await requireAdmin(services, req, 'policy.shadow_diffs');
      const diffs = await listShadowDiffs(ctx.auditLog, {
        limit: req.query.limit ?? 100,
        ...(req.query.since !== undefined ? { since: req.query.since } : {}),
      });
      return { diffs };
    },
  );
}

function conditionsNote(conditions: readonly string[]): { note?: string } {
  if (conditions.length === 0) return {};
  return { note: `policies ${conditions.join(', ')} may still refuse particular calls (arguments, time, network)` };
}
