import { createLocalJWKSet, errors, type FlattenedJWSInput, type JWSHeaderParameters, type JSONWebKeySet } from 'jose';
import { GatewayError } from '../core/gateway-error.js';

/** GETs a URL and parses its JSON body; throws on a network failure or a non-2xx status. main.ts wires the SSRF-safe fetcher. */
export type FetchJson = (url: string) => Promise<unknown>;

export interface IssuerSigningKeysOptions {
  readonly issuer: string;
  /** Where the keys are; when absent, read from the issuer's metadata (`jwks_uri`). */
  readonly jwksUrl?: string | undefined;
  readonly fetchJson: FetchJson;
  /** An unknown key id refetches the key set at most this often, so junk tokens cannot hammer the issuer. */
  readonly refetchIntervalMs?: number;
  /** Keys older than this are refetched before use, so a key the issuer withdrew stops verifying. */
  readonly maxAgeMs?: number;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;
type VerificationKey = Awaited<ReturnType<KeyResolver>>;

interface FetchedKeys {
  readonly resolve: KeyResolver;
  readonly fetchedAt: number;
}

const UNAVAILABLE_MESSAGE =
  "Toolgate could not fetch its OAuth issuer's signing keys, so it cannot check access tokens right now. Try again later; if it persists, tell an administrator.";

/**
 * The issuer's JWKS, fetched lazily, cached, and refetched when a token names a key id we do not
 * have (key rotation) — at most once per refetch interval. Time comes from the caller (the
 * pipeline's clock), never from Date.now, so tests are deterministic.
 */
export class IssuerSigningKeys {
  private keys: FetchedKeys | undefined;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private lastFailure: { readonly at: number; readonly error: Error } | undefined;
  private inFlight: Promise<FetchedKeys> | undefined;
  private jwksUrl: string | undefined;
  private readonly refetchIntervalMs: number;
  private readonly maxAgeMs: number;

  constructor(private readonly opts: IssuerSigningKeysOptions) {
    this.jwksUrl = opts.jwksUrl;
    this.refetchIntervalMs = opts.refetchIntervalMs ?? 30_000;
    this.maxAgeMs = opts.maxAgeMs ?? 600_000;
  }

  /** The key that verifies this token. Throws jose's JWKSNoMatchingKey for an unknown key, GatewayError when the keys are unavailable. */
  async keyFor(header: JWSHeaderParameters, token: FlattenedJWSInput, now: number): Promise<VerificationKey> {
    let keys = this.keys;
    if (keys === undefined || now - keys.fetchedAt >= this.maxAgeMs) keys = await this.refresh(now);
    try {
      return await keys.resolve(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || now - this.lastFetchAt < this.refetchIntervalMs) throw err;
      return (await this.refresh(now)).resolve(header, token);
    }
  }

  /**
   * Concurrent callers share one fetch. A failed fetch is remembered for the refetch interval: while the issuer
   * is down (or answers junk), tokens must not each cause an outbound request.
   */
  private refresh(now: number): Promise<FetchedKeys> {
    const failed = this.lastFailure;
    if (failed !== undefined && now - failed.at < this.refetchIntervalMs) return Promise.reject(failed.error);
    this.inFlight ??= this.fetchKeys(now)
      .then(
        (keys) => {
          this.lastFailure = undefined;
          return keys;
        },
        (err: unknown) => {
          this.lastFailure = { at: now, error: err instanceof Error ? err : new Error(String(err)) };
          throw err;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetchKeys(now: number): Promise<FetchedKeys> {
    this.lastFetchAt = now;
    const url = (this.jwksUrl ??= await this.discoverJwksUrl());
    const body = await this.fetch(url, 'key set');
    let resolve: KeyResolver;
    try {
      resolve = createLocalJWKSet(body as JSONWebKeySet);
    } catch (err) {
      throw unavailable(`${url} is not a usable JWKS: ${describe(err)}`);
    }
    this.keys = { resolve, fetchedAt: now };
    return this.keys;
  }

  /** RFC 8414 first, then OpenID Connect discovery, at the well-known URLs the MCP authorization spec lists. */
  private async discoverJwksUrl(): Promise<string> {
    const failures: string[] = [];
    for (const url of metadataUrls(this.opts.issuer)) {
      let metadata: unknown;
      try {
        metadata = await this.opts.fetchJson(url);
      } catch (err) {
        failures.push(`${url}: ${describe(err)}`);
        continue;
      }
      const { issuer, jwks_uri } = (typeof metadata === 'object' && metadata !== null ? metadata : {}) as Record<string, unknown>;
      // RFC 8414 §3.3: metadata naming another issuer must not be used (mix-up defence).
      if (issuer !== this.opts.issuer) throw unavailable(`${url} names issuer ${JSON.stringify(issuer)}, not ${this.opts.issuer}`);
      if (typeof jwks_uri !== 'string' || !/^https?:\/\//.test(jwks_uri)) throw unavailable(`${url} has no http(s) jwks_uri`);
      return jwks_uri;
    }
    throw unavailable(`no authorization server metadata for ${this.opts.issuer} (${failures.join('; ')})`);
  }

  private async fetch(url: string, what: string): Promise<unknown> {
    try {
      return await this.opts.fetchJson(url);
    } catch (err) {
      throw unavailable(`could not fetch the issuer's ${what} from ${url}: ${describe(err)}`);
    }
  }
}

/** For an issuer with a path, the well-known segment goes between host and path (RFC 8414 §3.1); OIDC appends it. */
export function metadataUrls(issuer: string): string[] {
  const { origin, pathname } = new URL(issuer);
  const path = pathname.replace(/\/+$/, '');
  if (path === '') return [`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`];
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}/.well-known/openid-configuration${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
  ];
}

function unavailable(reason: string): GatewayError {
  return new GatewayError('UPSTREAM_UNREACHABLE', { message: UNAVAILABLE_MESSAGE, reason });
}

function describe(err: unknown): string {
  if (err instanceof GatewayError) return `${err.code}: ${err.reason ?? err.message}`;
  return err instanceof Error ? err.message : String(err);
}
