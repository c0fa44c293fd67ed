import { API_KEY_PREFIX, keySecretMatches, parseApiKey } from '../../core/api-key-format.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Principal } from '../../core/principal.js';
import type { AccessTokenVerifier } from '../../ports/access-token-verifier.js';
import type { AuthenticatedCall, CallRequest } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/**
 * Who is calling. Revocation, expiry and the disabled flag are checked on every call; the key store
 * behind `deps.credentials` may keep rows a few seconds, but drops them when a change is announced.
 */
export async function authenticate(deps: PipelineDeps, req: CallRequest): Promise<AuthenticatedCall> {
  if (req.credential === null || req.credential === '') throw new GatewayError('AUTH_MISSING');
  const parsed = parseApiKey(req.credential);
  if (!parsed) {
    // Only a credential that is not an API key takes the token branch, so key calls pay nothing for OAuth.
    if (deps.accessTokens !== undefined && !req.credential.startsWith(API_KEY_PREFIX)) {
      return { ...req, principal: await principalOfAccessToken(deps, deps.accessTokens, req.credential) };
    }
    throw new GatewayError('AUTH_INVALID', { reason: 'malformed key' });
  }
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

/**
 * An OAuth access token names a principal an administrator created; it never creates one, so a
 * token alone grants nothing beyond that principal's grants. Looked up on every call, like keys.
 */
async function principalOfAccessToken(deps: PipelineDeps, verifier: AccessTokenVerifier, token: string): Promise<Principal> {
  const verified = await verifier.verify(token, deps.clock.now());
  const name = verified.principalName;
  const shown = name.slice(0, 128);
  const principal = await deps.credentials.findPrincipalByName(name);
  if (!principal) {
    throw new GatewayError('AUTH_INVALID', {
      message: `The access token is valid, but Toolgate has no principal named "${shown}". An administrator must create that principal (POST /v1/admin/principals) and grant it tools.`,
      reason: `access token from ${verified.issuer}: no principal named ${JSON.stringify(shown)} (claim ${verified.principalClaim})`,
    });
  }
  if (principal.disabled) {
    throw new GatewayError('AUTH_REVOKED', {
      message: `The principal "${shown}" is disabled. Ask an administrator to enable it.`,
      reason: `access token from ${verified.issuer}: principal ${principal.name} is disabled`,
    });
  }
  return principal;
}
