import { keySecretMatches, parseApiKey } from '../../core/api-key-format.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { AuthenticatedCall, CallRequest } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/** Who is calling. Looks the key up on every call, so a revocation applies to the very next one. */
export async function authenticate(deps: PipelineDeps, req: CallRequest): Promise<AuthenticatedCall> {
  if (req.credential === null || req.credential === '') throw new GatewayError('AUTH_MISSING');
  const parsed = parseApiKey(req.credential);
  if (!parsed) throw new GatewayError('AUTH_INVALID', { reason: 'malformed key' });
  const found = await deps.credentials.findApiKey(parsed.id);
  if (!found || !keySecretMatches(parsed.secret, found.key.hash)) {
    throw new GatewayError('AUTH_INVALID', { reason: `unknown key or wrong secret for key id ${parsed.id}` });
  }
  const { key, principal } = found;
  if (key.revokedAt !== null) throw new GatewayError('AUTH_REVOKED', { reason: `key ${key.id} revoked at ${key.revokedAt}` });
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= deps.clock.now()) {
    throw new GatewayError('AUTH_EXPIRED', { reason: `key ${key.id} expired at ${key.expiresAt}` });
  }
  if (principal.disabled) throw new GatewayError('AUTH_REVOKED', { reason: `principal ${principal.name} is disabled` });
  return { ...req, principal };
}
