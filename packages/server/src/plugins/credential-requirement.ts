/** How an HTTP credential is sent: `Authorization: Bearer …` or `Authorization: Basic …`. */
export type HttpAuthScheme = 'bearer' | 'basic';

/**
 * What a plugin needs before its tools can be called, as the vault and the console see it. Secrets from the
 * source document (e.g. ChatGPT verification tokens) are never copied here, only whether they exist: they
 * would otherwise travel through import results, logs and review screens.
 */
export type CredentialRequirement =
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
