import type { FastifyInstance } from 'fastify';
import { ImportPluginRequest, type McpConnectionSchema } from '@toolgate/contract';
import { refreshGrants } from '../../admin/admin-context.js';
import { registerMcpPlugin } from '../../admin/mcp-plugins.js';
import { registerPlugin, type RegisteredPlugin } from '../../admin/register-plugin.js';
import { GatewayError } from '../../core/gateway-error.js';
import { auditAdmin, requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';
import { renderToolList, type FormatQuery } from './render-tool-list.js';
import { pluginView } from './plugin-view.js';
import { toolReviewView } from './tool-review-view.js';
import { toolView } from './tool-routes.js';

export const SPEC_BODY_LIMIT_BYTES = 20 * 1024 * 1024;

function importAnswer(result: RegisteredPlugin): Record<string, unknown> {
  return {
    plugin: pluginView(result.plugin),
    tools: result.tools.map((t) => ({ ...toolView(t), status: t.status, review: t.review ?? null })),
    warnings: result.warnings,
    failures: result.failures,
  };
}

export function registerAdminPluginRoutes(app: FastifyInstance, services: HttpServices): void {
  const ctx = services.admin;

  app.get('/v1/admin/plugins', async (req) => {
    await requireAdmin(services, req, 'plugins.list');
    const tools = await ctx.plugins.listTools();
    const plugins = await ctx.plugins.list();
    const upstreams = ctx.mcp.statuses();
    return {
      plugins: plugins.map((p) => ({
        ...pluginView(p),
        toolCount: tools.filter((t) => t.pluginId === p.id && t.status !== 'removed').length,
        pendingReview: tools.filter((t) => t.pluginId === p.id && t.status === 'pending_review').length,
        ...(p.kind === 'mcp' ? { upstream: upstreams[p.id] ?? { status: 'stopped' } } : {}),
        ...(services.circuits ? { circuit: services.circuits.circuitState(p.name) } : {}),
      })),
    };
  });

  app.get<{ Params: { name: string } }>('/v1/admin/plugins/:name', async (req) => {
    await requireAdmin(services, req, 'plugins.show');
    const plugin = await ctx.plugins.require(req.params.name);
    const tools = await ctx.plugins.listTools(plugin.id);
    const upstream = plugin.kind === 'mcp' ? (ctx.mcp.get(plugin.id)?.status() ?? { status: 'stopped' }) : undefined;
    const circuit = services.circuits?.circuitState(plugin.name);
    return {
      plugin: { ...pluginView(plugin), ...(upstream !== undefined ? { upstream } : {}), ...(circuit !== undefined ? { circuit } : {}) },
      tools: tools.map(toolReviewView),
    };
  });

  const importMcp = (body: ImportPluginRequest, mcp: McpConnectionSchema, actor: string): Promise<RegisteredPlugin> =>
    registerMcpPlugin(ctx, {
      name: body.name,
      connection:
        mcp.transport === 'stdio'
          ? {
              transport: 'stdio',
              command: mcp.command,
              args: mcp.args ?? [],
              env: mcp.env ?? {},
              ...(mcp.cwd !== undefined ? { cwd: mcp.cwd } : {}),
            }
          : { transport: mcp.transport, url: mcp.url },
      ...(body.allowPrivateNetwork !== undefined ? { allowPrivateNetwork: body.allowPrivateNetwork } : {}),
      ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
      actor,
    });

  const importSpec = (body: ImportPluginRequest, actor: string): Promise<RegisteredPlugin> => {
    if (body.spec === undefined && body.source === undefined) {
      throw new GatewayError('BAD_REQUEST', {
        message: 'Send either "source" (an http(s) URL) or "spec" (the document text).',
        details: { path: 'body/source' },
      });
    }
    if (body.spec === undefined && body.source !== undefined && !/^https?:\/\//.test(body.source)) {
      throw new GatewayError('BAD_REQUEST', {
        message: '"source" must be an http(s) URL; to import a local file, send its text as "spec" (the CLI does this for you).',
        details: { path: 'body/source' },
      });
    }
    return registerPlugin(ctx, {
      name: body.name,
      source: body.source ?? 'inline',
      ...(body.spec !== undefined ? { specText: body.spec } : {}),
      ...(body.baseUrl !== undefined ? { baseUrl: body.baseUrl } : {}),
      ...(body.allowPrivateNetwork !== undefined ? { allowPrivateNetwork: body.allowPrivateNetwork } : {}),
      ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
      ...(body.lenient !== undefined ? { lenient: body.lenient } : {}),
      actor,
    });
  };

  // Specs are routinely larger than tool-call bodies, so this one route accepts up to the spec size cap.
  const bodyLimit = Math.max(services.bodyLimitBytes, SPEC_BODY_LIMIT_BYTES);
  app.post<{ Body: ImportPluginRequest }>('/v1/admin/plugins', { schema: { body: ImportPluginRequest }, bodyLimit }, async (req, reply) => {
    const admin = await requireAdmin(services, req, 'plugins.import');
    const result =
      req.body.mcp !== undefined ? await importMcp(req.body, req.body.mcp, admin.name) : await importSpec(req.body, admin.name);
    await auditAdmin(
      services,
      req,
      'plugins.import',
      admin,
      'allow',
      undefined,
      `imported ${result.plugin.kind} plugin ${result.plugin.name} (${result.plugin.baseUrl}) with ${result.tools.length} tools`,
      { pluginName: result.plugin.name },
    );
    return reply.code(201).send(importAnswer(result));
  });

  app.delete<{ Params: { name: string } }>('/v1/admin/plugins/:name', async (req) => {
    const admin = await requireAdmin(services, req, 'plugins.remove');
    const plugin = await ctx.plugins.require(req.params.name);
    const removed = await ctx.plugins.remove(req.params.name);
    // An MCP server's process goes with its plugin (reaped before we answer).
    await ctx.mcp.stop(plugin.id);
    await ctx.catalog.reload();
    // Its breaker and bulkhead go too, once no new call can find the plugin: a new plugin of the same name starts closed.
    services.circuits?.forget(plugin.name);
    await refreshGrants(ctx);
    await auditAdmin(
      services,
      req,
      'plugins.remove',
      admin,
      'allow',
      undefined,
      `removed ${req.params.name}: ${removed.tools} tools, ${removed.grants} grants`,
    );
    return { removed: req.params.name, ...removed };
  });

  app.get<{ Querystring: FormatQuery }>('/v1/admin/tools', async (req) => {
    await requireAdmin(services, req, 'tools.list');
    const tools = await ctx.plugins.listTools();
    // In a model's format, only what can run: active tools of active plugins.
    if (req.query.format !== undefined)
      return renderToolList(
        ctx.catalog
          .list()
          .filter((e) => e.tool.status === 'active' && e.plugin.status === 'active')
          .map((e) => e.tool),
        req.query,
      );
    return { tools: tools.map((t) => ({ ...toolView(t), status: t.status, approvedHash: t.approvedHash ?? null })) };
  });
}
