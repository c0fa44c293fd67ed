import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RESOURCE_METADATA_PATH, type ProtectedResourceMetadata } from '../../auth/protected-resource.js';
import { GatewayError } from '../../core/gateway-error.js';
import { sendError } from '../error-reply.js';
import type { HttpServices } from '../http-services.js';

/**
 * RFC 9728 protected-resource metadata, unauthenticated: an MCP client that got a 401 reads it to
 * find the authorization server. Served at the root and at the /mcp path suffix clients also try.
 */
export function registerOAuthMetadataRoutes(app: FastifyInstance, services: HttpServices): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<ProtectedResourceMetadata | FastifyReply> => {
    const resource = services.protectedResource;
    if (resource === undefined) {
      return sendError(
        req,
        reply,
        new GatewayError('NOT_FOUND', {
          message: 'OAuth is not configured on this gateway (auth.oauth), so it publishes no protected-resource metadata. Use an API key.',
        }),
      );
    }
    // Public metadata: browser-based MCP clients fetch it cross-origin.
    void reply.header('access-control-allow-origin', '*');
    return resource.metadata();
  };
  app.get(RESOURCE_METADATA_PATH, handler);
  app.get(`${RESOURCE_METADATA_PATH}/mcp`, handler);
}
