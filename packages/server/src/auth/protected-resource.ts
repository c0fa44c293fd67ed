/** The parts of `auth.oauth` that describe Toolgate as a protected resource (structurally the config type). */
export interface ProtectedResourceSettings {
  readonly issuer: string;
  readonly audience?: string | undefined;
  readonly scopesSupported: readonly string[];
}

/** RFC 9728 protected-resource metadata, as served at `/.well-known/oauth-protected-resource`. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly resource_name: string;
}

export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/**
 * Toolgate as an OAuth protected resource: its identifier (the audience tokens must carry) and where
 * clients discover how to get one. Without `server.publicUrl` the base URL is the listening address,
 * known only once the server listens (port 0 in tests), so it is set then and read per request.
 */
export class ProtectedResource {
  private base: string | undefined;

  constructor(
    private readonly settings: ProtectedResourceSettings,
    publicUrl: string | undefined,
  ) {
    this.base = publicUrl === undefined ? undefined : withoutTrailingSlash(publicUrl);
  }

  /** Called once the server listens; a configured public URL wins. */
  listening(url: string): void {
    this.base ??= withoutTrailingSlash(url);
  }

  get issuer(): string {
    return this.settings.issuer;
  }

  get scopesSupported(): readonly string[] {
    return this.settings.scopesSupported;
  }

  get baseUrl(): string {
    // No request can arrive before listen, so this is a wiring bug, never a caller's fault.
    if (this.base === undefined) throw new Error('ProtectedResource read before the server listened');
    return this.base;
  }

  /** The audience a token must carry: configured, or the public URL of /mcp (the RFC 8707 resource MCP clients request). */
  get audience(): string {
    return this.settings.audience ?? `${this.baseUrl}/mcp`;
  }

  get metadataUrl(): string {
    return `${this.baseUrl}${RESOURCE_METADATA_PATH}`;
  }

  /**
   * `resource` is the audience, at both metadata paths: MCP clients send it verbatim as the RFC 8707
   * resource parameter, so the issuer mints tokens for exactly the audience we check.
   */
  metadata(): ProtectedResourceMetadata {
    return {
      resource: this.audience,
      authorization_servers: [this.settings.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: this.settings.scopesSupported,
      resource_name: 'Toolgate',
    };
  }
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
