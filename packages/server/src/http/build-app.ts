import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { fromFrameworkError, sendError } from './error-reply.js';
import type { HttpServices } from './http-services.js';
import { registerAdminGrantRoutes } from './routes/admin-grant-routes.js';
import { registerAdminPluginRoutes } from './routes/admin-plugin-routes.js';
import { registerAdminPolicyExplainRoutes } from './routes/admin-policy-explain-routes.js';
import { registerAdminPolicyRoutes } from './routes/admin-policy-routes.js';
import { registerAdminPrincipalRoutes } from './routes/admin-principal-routes.js';
import { registerAdminReviewRoutes } from './routes/admin-review-routes.js';
import { registerApprovalRoutes } from './routes/approval-routes.js';
import { auditRefusedChat, CHAT_ROUTE, registerChatRoutes } from './routes/chat-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerOAuthMetadataRoutes } from './routes/oauth-metadata-routes.js';
import { auditRefusedInvoke, INVOKE_ROUTE, registerToolRoutes } from './routes/tool-routes.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Registers another surface's routes (the MCP endpoint): main.ts passes them in, so http/ never imports a surface. */
export type RouteMount = (app: FastifyInstance) => void;

/** The Fastify app: REST tool surface, admin API, health and the console placeholder, plus the given mounts. */
export function buildHttpApp(
  services: HttpServices,
  logger: FastifyBaseLogger,
  db: { ping(): Promise<void> },
  mounts: readonly RouteMount[] = [],
): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    // Per-request info logs would cost more than the pipeline; the audit log records every call.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: services.bodyLimitBytes,
    // Honour a caller's well-formed request id so traces join up; otherwise mint one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Unknown fields are errors, never silently removed.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });

  // Decorated before any route or mount, so sendError sees it on every surface, encapsulated or not.
  app.decorate('protectedResource', services.protectedResource);

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });

  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    let err = error instanceof GatewayError ? error : fromFrameworkError(error, services.bodyLimitBytes);
    if (err && !(error instanceof GatewayError) && req.routeOptions.url === INVOKE_ROUTE) {
      // The framework refused the invoke body before our handler ran: audit it through the pipeline.
      err = await auditRefusedInvoke(services, req, err);
    } else if (err && !(error instanceof GatewayError) && req.routeOptions.url === CHAT_ROUTE) {
      // Likewise for a chat body: the turn's `chat` audit event records the refusal.
      err = await auditRefusedChat(services, req, err);
    }
    if (!err) {
      err = toGatewayError(error);
      req.log.error({ err: error, requestId: req.id }, 'unexpected error');
    }
    return sendError(req, reply, err);
  });

  app.setNotFoundHandler(async (req, reply) =>
    sendError(
      req,
      reply,
      new GatewayError('NOT_FOUND', {
        message: `No route ${req.method} ${req.url.split('?')[0] ?? ''}. See docs/api.md for the endpoints.`,
      }),
    ),
  );

  registerHealthRoutes(app, services, db);
  registerMetricsRoutes(app, services);
  registerOAuthMetadataRoutes(app, services);
  registerToolRoutes(app, services);
  registerChatRoutes(app, services);
  registerAdminPluginRoutes(app, services);
  registerAdminPrincipalRoutes(app, services);
  registerAdminGrantRoutes(app, services);
  registerAdminPolicyRoutes(app, services);
  registerAdminPolicyExplainRoutes(app, services);
  registerAdminReviewRoutes(app, services);
  if (services.approvals) registerApprovalRoutes(app, services, services.approvals);
  for (const mount of mounts) mount(app);
  return app;
}
