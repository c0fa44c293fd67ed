export type PluginKind = 'openapi' | 'mcp';

/** How the gateway reaches an MCP server plugin. */
export type McpConnection =
  | {
      readonly transport: 'stdio';
      readonly command: string;
      readonly args: readonly string[];
      /** The only environment the child gets besides PATH/HOME/LANG-like basics: never the gateway's own. */
      readonly env: Readonly<Record<string, string>>;
      readonly cwd?: string;
    }
  | { readonly transport: 'streamable-http' | 'sse'; readonly url: string };
export type PluginStatus = 'active' | 'disabled';

/** One upstream integration. */
export interface Plugin {
  readonly id: string;
  /** Short unique name, the prefix of its tools' names (`^[a-z][a-z0-9_]{0,23}$`). */
  readonly name: string;
  readonly kind: PluginKind;
  readonly title: string;
  readonly description: string;
  /** How to reach an MCP server; only for kind `mcp`. */
  readonly connection?: McpConnection;
  /** Absolute base URL that tool paths are resolved against (for MCP: the server URL, or `stdio:<command>`). */
  readonly baseUrl: string;
  /**
   * Deliberate exception to the SSRF guard: the plugin may reach loopback/private addresses.
   * Set by an administrator only (the example plugin has it).
   */
  readonly allowPrivateNetwork: boolean;
  readonly timeoutMs: number;
  readonly status: PluginStatus;
  /**
   * What the plugin tells models about using it (a ChatGPT manifest's `description_for_model`, an MCP
   * server's `instructions`). Untrusted text from the plugin's author: linted at import, shown as data.
   */
  readonly instructions?: string;
  /** What credentials the plugin's operations need (kept opaque here; plugins/credential-requirement.ts). */
  readonly credentialRequirements?: readonly Record<string, unknown>[];
  /** When the tools were last read from the source (import, re-import, MCP re-sync). */
  readonly syncedAt?: string;
  /** Where the spec came from (file path or URL), for re-import. */
  readonly source: string;
  readonly createdAt: string;
}
