import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { HttpServices } from '../http-services.js';

export function registerHealthRoutes(app: FastifyInstance, services: HttpServices, db: { ping(): Promise<void> }): void {
  app.get('/healthz', async (_req, reply) => {
    try {
      await db.ping();
      return { status: 'ok', version: services.version, tools: services.pipeline.catalog.list().length };
    } catch {
      return reply.code(503).send({ status: 'unavailable', version: services.version, reason: 'database unreachable' });
    }
  });

  // The admin console is its own issue; until then `/` serves a placeholder page.
  app.get('/', async (_req, reply) => {
    const html = await readFile(services.consoleIndexPath, 'utf8');
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
