export type PluginKind = 'openapi';
export type PluginStatus = 'active' | 'disabled';

/** One upstream integration. */
export interface Plugin {
  readonly id: string;
  /** Short unique name, the prefix of its tools' names (`^[a-z][a-z0-9_]{0,23}$`). */
  readonly name: string;
  readonly kind: PluginKind;
  readonly title: string;
  readonly description: string;
  /** Absolute base URL that tool paths are resolved against. */
  readonly baseUrl: string;
  /**
   * Deliberate exception to the SSRF guard: the plugin may reach loopback/private addresses.
   * Set by an administrator only (the example plugin has it).
   */
  readonly allowPrivateNetwork: boolean;
  readonly timeoutMs: number;
  readonly status: PluginStatus;
  /** Where the spec came from (file path or URL), for re-import. */
  readonly source: string;
  readonly createdAt: string;
}
