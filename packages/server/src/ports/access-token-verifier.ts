/** What a verified OAuth access token tells the authenticate stage. */
export interface VerifiedAccessToken {
  /** The value of the configured principal claim: the name of the Toolgate principal. */
  readonly principalName: string;
  /** Which claim named the principal (`sub` by default), for audit reasons. */
  readonly principalClaim: string;
  readonly issuer: string;
}

/**
 * Verifies a bearer credential that is not an API key as an OAuth 2.1 access token (a JWT from the
 * configured issuer). Refusals are GatewayErrors: AUTH_INVALID, AUTH_EXPIRED, or
 * UPSTREAM_UNREACHABLE when the issuer's signing keys cannot be fetched.
 */
export interface AccessTokenVerifier {
  /** `now` is the pipeline clock's time (ms since the epoch), so lifetime checks follow the injected clock. */
  verify(token: string, now: number): Promise<VerifiedAccessToken>;
}
