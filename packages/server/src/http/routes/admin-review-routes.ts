import type { FastifyInstance } from 'fastify';
import { ReviewToolRequest, SyncPluginRequest } from '@toolgate/contract';
import { reviewTool } from '../../admin/review-tool.js';
import { syncPlugin } from '../../admin/sync-plugin.js';
import { auditAdmin, requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';
import { SPEC_BODY_LIMIT_BYTES } from './admin-plugin-routes.js';
import { pluginView } from './plugin-view.js';
import { toolReviewView } from './tool-review-view.js';

/** Pinning: re-sync a plugin, list what waits for review, and approve or reject one exact definition. */
export function registerAdminReviewRoutes(app: FastifyInstance, services: HttpServices): void {
  const ctx = services.admin;

  app.post<{ Params: { name: string }; Body: SyncPluginRequest }>(
    '/v1/admin/plugins/:name/sync',
    { schema: { body: SyncPluginRequest }, bodyLimit: Math.max(services.bodyLimitBytes, SPEC_BODY_LIMIT_BYTES) },
    async (req) => {
      // The sync audits itself (also when an MCP server or the config starts it).
      const admin = await requireAdmin(services, req, 'plugins.sync');
      const result = await syncPlugin(ctx, req.params.name, {
        ...(req.body.spec !== undefined ? { specText: req.body.spec } : {}),
        ...(req.body.lenient !== undefined ? { lenient: req.body.lenient } : {}),
        actor: admin.name,
      });
      return { ...result, plugin: pluginView(result.plugin) };
    },
  );

  app.get('/v1/admin/reviews', async (req) => {
    await requireAdmin(services, req, 'reviews.list');
    const tools = await ctx.plugins.listTools();
    return { reviews: tools.filter((t) => t.status === 'pending_review').map(toolReviewView) };
  });

  app.get<{ Params: { name: string } }>('/v1/admin/tools/:name', async (req) => {
    await requireAdmin(services, req, 'tools.show');
    return { tool: toolReviewView(await ctx.plugins.requireTool(req.params.name)) };
  });

  app.post<{ Params: { name: string }; Body: ReviewToolRequest }>(
    '/v1/admin/tools/:name/review',
    { schema: { body: ReviewToolRequest } },
    async (req) => {
      const admin = await requireAdmin(services, req, 'tools.review');
      const tool = await reviewTool(ctx, req.params.name, {
        decision: req.body.decision,
        reviewDigest: req.body.reviewDigest,
        ...(req.body.riskTier !== undefined ? { riskTier: req.body.riskTier } : {}),
        actor: admin.name,
      });
      const verb = req.body.decision === 'approve' ? 'approved' : 'rejected';
      await auditAdmin(
        services,
        req,
        'tools.review',
        admin,
        'allow',
        undefined,
        `${verb} ${tool.name} at ${tool.definitionHash} (risk tier ${tool.riskTier})`,
        { pluginName: tool.pluginName, toolHash: tool.definitionHash },
      );
      return { tool: toolReviewView(tool) };
    },
  );
}
