import type { FastifyRequest } from 'fastify';
import type { ProtectedResource } from '../auth/protected-resource.js';
import type { GatewayError } from '../core/gateway-error.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Decorated by buildHttpApp (undefined without `auth.oauth`); every surface's 401 reads it through sendError. */
    protectedResource: ProtectedResource | undefined;
  }
}

/**
 * The `WWW-Authenticate` value of a 401 (RFC 6750 §3, RFC 9728 §5.1): where an OAuth client finds
 * how to get a token, and `invalid_token` when a credential was presented but refused.
 */
export function bearerChallenge(req: FastifyRequest, err: GatewayError): string {
  const params = ['realm="toolgate"'];
  const resource = req.server.protectedResource;
  if (resource !== undefined) {
    params.push(`resource_metadata="${quotable(resource.metadataUrl)}"`);
    if (resource.scopesSupported.length > 0) params.push(`scope="${quotable(resource.scopesSupported.join(' '))}"`);
  }
  if (err.code !== 'AUTH_MISSING') params.push('error="invalid_token"', `error_description="${quotable(err.message)}"`);
  return `Bearer ${params.join(', ')}`;
}

/** RFC 6750 allows only visible ASCII without `"` and `\` in these values; anything else would break the header. */
function quotable(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
