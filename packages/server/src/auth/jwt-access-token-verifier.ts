import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { GatewayError } from '../core/gateway-error.js';
import type { AccessTokenVerifier, VerifiedAccessToken } from '../ports/access-token-verifier.js';
import { IssuerSigningKeys, type FetchJson } from './issuer-signing-keys.js';
import type { ProtectedResource } from './protected-resource.js';

/** Asymmetric algorithms only: with `none` or HS* anyone who has (or guesses) a shared secret could mint tokens. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Small allowance for clocks that disagree between the issuer and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 60;

export interface JwtAccessTokenVerifierOptions {
  readonly resource: ProtectedResource;
  /** The claim whose value is the Toolgate principal's name. */
  readonly principalClaim: string;
  readonly jwksUrl?: string | undefined;
  readonly fetchJson: FetchJson;
  readonly refetchIntervalMs?: number;
}

/**
 * OAuth 2.1 access tokens as JWTs from one external issuer: signature against the issuer's JWKS,
 * `iss` equal to the issuer, `aud` containing our audience (tokens minted for another resource are
 * refused: no token passthrough), `exp` required, `nbf` honoured, times from the pipeline's clock.
 */
export class JwtAccessTokenVerifier implements AccessTokenVerifier {
  private readonly keys: IssuerSigningKeys;

  constructor(private readonly opts: JwtAccessTokenVerifierOptions) {
    this.keys = new IssuerSigningKeys({
      issuer: opts.resource.issuer,
      jwksUrl: opts.jwksUrl,
      fetchJson: opts.fetchJson,
      ...(opts.refetchIntervalMs !== undefined ? { refetchIntervalMs: opts.refetchIntervalMs } : {}),
    });
  }

  async verify(token: string, now: number): Promise<VerifiedAccessToken> {
    const { resource, principalClaim } = this.opts;
    const context: RefusalContext = { issuer: resource.issuer, audience: resource.audience, principalClaim, token };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header, jws) => this.keys.keyFor(header, jws, now), {
        issuer: resource.issuer,
        audience: context.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now),
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw refusal(err, context);
    }
    const name = payload[principalClaim];
    if (typeof name !== 'string' || name === '') {
      throw new GatewayError('AUTH_INVALID', {
        message: `The access token has no "${principalClaim}" claim naming a Toolgate principal. Ask an administrator to check auth.oauth.principalClaim.`,
        reason: `access token from ${resource.issuer} has no string claim "${principalClaim}"`,
      });
    }
    return { principalName: name, principalClaim, issuer: resource.issuer };
  }
}

interface RefusalContext {
  readonly issuer: string;
  readonly audience: string;
  readonly principalClaim: string;
  readonly token: string;
}

/** jose's error → our table; the precise cause goes to the audit reason, the message says what to do. */
function refusal(err: unknown, ctx: RefusalContext): unknown {
  if (err instanceof GatewayError) return err;
  if (err instanceof errors.JWTExpired) {
    return new GatewayError('AUTH_EXPIRED', {
      message: 'The access token has expired. Get a new one from the authorization server and try again.',
      reason: `access token${subjectOf(err.payload, ctx)} expired (exp ${String(err.payload.exp)})`,
    });
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    const who = subjectOf(err.payload, ctx);
    switch (err.claim) {
      case 'aud':
        return invalid(
          `The access token was issued for another audience. Request a token for the resource ${ctx.audience}.`,
          `audience mismatch: access token${who} has aud ${bounded(err.payload.aud)}, which does not contain ${ctx.audience}`,
        );
      case 'iss':
        return invalid(
          `The access token was not issued by the authorization server this gateway trusts. Get a token from ${ctx.issuer}.`,
          `issuer mismatch: access token${who} has iss ${bounded(err.payload.iss)}, expected ${ctx.issuer}`,
        );
      case 'nbf':
        return invalid(
          'The access token is not valid yet. Check the clocks, or wait and try again.',
          `access token${who} not valid before ${String(err.payload.nbf)}`,
        );
      default:
        return invalid(
          `The access token is missing or has an invalid "${err.claim}" claim. Get a new token from ${ctx.issuer}.`,
          `access token${who}: claim "${err.claim}" ${err.reason} (${err.message})`,
        );
    }
  }
  const header = headerOf(ctx.token);
  const generic = `The access token is not valid: it is malformed, or not signed by ${ctx.issuer}. Get a new token from that authorization server.`;
  if (err instanceof errors.JOSEAlgNotAllowed)
    return invalid(generic, `signing algorithm ${header} is not accepted (asymmetric algorithms only)`);
  if (err instanceof errors.JWKSNoMatchingKey) return invalid(generic, `no key in the issuer's key set matches ${header}`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid(generic, `signature does not verify (${header})`);
  if (err instanceof errors.JOSEError) return invalid(generic, `not a valid JWT access token (${err.code}: ${err.message})`);
  return err;
}

/** A claim value for the audit reason, cut short: the issuer signed it, but its size is not ours to trust. */
function bounded(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 256 ? `${text.slice(0, 256)}…` : text;
}

function invalid(message: string, reason: string): GatewayError {
  return new GatewayError('AUTH_INVALID', { message, reason });
}

/** The principal claim of a token whose signature verified, for the audit reason (bounded: it came from outside). */
function subjectOf(payload: JWTPayload, ctx: RefusalContext): string {
  const value = payload[ctx.principalClaim];
  return typeof value === 'string' ? ` for ${ctx.principalClaim} ${JSON.stringify(value.slice(0, 128))}` : '';
}

/** `alg`/`kid` of the token's header for the audit reason; never the token itself. */
function headerOf(token: string): string {
  try {
    const { alg, kid } = decodeProtectedHeader(token);
    return `alg ${JSON.stringify(typeof alg === 'string' ? alg.slice(0, 32) : null)}, kid ${JSON.stringify(typeof kid === 'string' ? kid.slice(0, 128) : null)}`;
  } catch {
    return 'an unreadable header';
  }
}
