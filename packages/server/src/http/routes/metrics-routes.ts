import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { requireAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';

/**
 * `GET /metrics`, the Prometheus text exposition. It shows tool names and how active each principal's
 * calls are, so it needs an admin key unless the operator made it public (`metrics.public`).
 */
export function registerMetricsRoutes(app: FastifyInstance, services: HttpServices): void {
  app.get('/metrics', async (req, reply) => {
    const metrics = services.metrics;
    if (!metrics) {
      throw new GatewayError('NOT_FOUND', {
        message: 'Metrics are turned off on this gateway. Set metrics.enabled: true in the configuration to serve them.',
      });
    }
    if (!metrics.public) await requireAdmin(services, req, 'metrics.scrape');
    const body = await metrics.endpoint.render();
    return reply.type(metrics.endpoint.contentType).send(body);
  });
}
