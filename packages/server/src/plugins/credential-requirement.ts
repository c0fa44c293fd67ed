/** How an HTTP credential is sent: `Authorization: Bearer …` or `Authorization: Basic …`. */
export type HttpAuthScheme = 'bearer' | 'basic';

/**
 * Requirements read from a ChatGPT plugin manifest's `auth` (plugins/ai-plugin/). Secrets from the manifest
 * (verification tokens) are never copied, only whether they exist.
 */
export type ManifestCredentialRequirement =
  | { readonly kind: 'none' }
  /** Each user supplies their own key. */
  | { readonly kind: 'user_token'; readonly scheme: HttpAuthScheme }
  /** One developer key for all calls. */
  | { readonly kind: 'service_token'; readonly scheme: HttpAuthScheme; readonly hasVerificationTokens: boolean }
  /** Authorization-code flow; the token request is sent with `contentType`. */
  | {
      readonly kind: 'oauth2';
      readonly clientUrl: string;
      readonly authorizationUrl: string;
      readonly scope: string;
      readonly contentType: string;
      readonly hasVerificationTokens: boolean;
    };

/** Where an OpenAPI security scheme is asked for. */
export interface SecuritySchemeUse {
  /** The document's top-level `security` names it, so every operation without its own `security` needs it. */
  readonly global: boolean;
  /** `METHOD /path` of operations whose own `security` names it. */
  readonly operations: readonly string[];
  /** Every scope asked for with it (OAuth 2 / OpenID Connect; roles for other kinds), sorted. */
  readonly scopes: readonly string[];
}

export type OAuthFlowType = 'authorizationCode' | 'clientCredentials' | 'implicit' | 'password' | 'deviceAuthorization';

export interface OAuthFlow {
  readonly type: OAuthFlowType;
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly refreshUrl?: string;
  readonly deviceAuthorizationUrl?: string;
  /** Scope name → what the spec says it grants. */
  readonly scopes: Readonly<Record<string, string>>;
}

interface SchemeRequirement {
  /** The key under `components.securitySchemes`, which `security` requirements refer to. */
  readonly schemeName: string;
  readonly use: SecuritySchemeUse;
}

/**
 * Requirements read from an OpenAPI document's `components.securitySchemes` (plugins/openapi/). Only how a
 * credential is sent is kept: descriptions and extensions are left behind, because specs put sample keys there.
 */
export type SecuritySchemeRequirement =
  | (SchemeRequirement & { readonly kind: 'api_key'; readonly in: 'header' | 'query' | 'cookie'; readonly name: string })
  /** `Authorization: <httpScheme> …`; `httpScheme` is lower-cased (`bearer`, `basic`, or another IANA scheme). */
  | (SchemeRequirement & { readonly kind: 'http_auth'; readonly httpScheme: string; readonly bearerFormat?: string })
  | (SchemeRequirement & { readonly kind: 'oauth2_flows'; readonly flows: readonly OAuthFlow[] })
  | (SchemeRequirement & { readonly kind: 'openid_connect'; readonly openIdConnectUrl: string })
  /** A client certificate, configured on the connection rather than sent in the request. */
  | (SchemeRequirement & { readonly kind: 'mutual_tls' });

/**
 * What a plugin needs before its tools can be called, as the vault and the console see it. Secrets from the
 * source document are never copied here: they would otherwise travel through import results, logs and
 * review screens.
 */
export type CredentialRequirement = ManifestCredentialRequirement | SecuritySchemeRequirement;
