import { GatewayError } from '../../core/gateway-error.js';
import type { Plugin } from '../../core/plugin.js';
import { McpUpstream, type McpUpstreamStatus } from './mcp-upstream.js';
import type { McpUpstreamOptions } from './mcp-upstream-options.js';

/**
 * The running MCP upstreams, one per plugin id. The composition root owns one instance: it starts an
 * upstream when an MCP plugin is registered or enabled, stops it when the plugin is disabled or
 * removed, and calls `closeAll()` at shutdown so no child process outlives the gateway.
 */
export class McpUpstreams {
  private readonly upstreams = new Map<string, McpUpstream>();

  constructor(private readonly options: McpUpstreamOptions = {}) {}

  /**
   * Starts supervising `plugin`'s MCP server and returns its upstream (connecting in the background;
   * `await upstream.waitUntilReady(ms)` to wait). If the plugin already runs with the same connection and
   * egress rule it is kept; if either changed, the old one is stopped first. Rejects with INTERNAL for a
   * plugin that is not an MCP plugin with a connection, and EGRESS_BLOCKED for a URL that is not http(s).
   */
  async start(plugin: Plugin): Promise<McpUpstream> {
    const connection = plugin.connection;
    if (plugin.kind !== 'mcp' || connection === undefined) {
      throw new GatewayError('INTERNAL', { reason: `plugin ${plugin.id} is not an MCP plugin with a connection` });
    }
    const existing = this.upstreams.get(plugin.id);
    if (existing !== undefined) {
      const unchanged =
        JSON.stringify(existing.connection) === JSON.stringify(connection) &&
        existing.egress.allowPrivateNetwork === plugin.allowPrivateNetwork;
      if (unchanged) {
        existing.start();
        return existing;
      }
      await this.stop(plugin.id);
    }
    const upstream = new McpUpstream(plugin.id, connection, { allowPrivateNetwork: plugin.allowPrivateNetwork }, this.options);
    this.upstreams.set(plugin.id, upstream);
    upstream.start();
    return upstream;
  }

  /** The upstream for a plugin id, if one was started and not stopped. */
  get(pluginId: string): McpUpstream | undefined {
    return this.upstreams.get(pluginId);
  }

  /** Stops and forgets a plugin's upstream; a stdio child is reaped before this resolves. No-op if none. */
  async stop(pluginId: string): Promise<void> {
    const upstream = this.upstreams.get(pluginId);
    if (upstream === undefined) return;
    this.upstreams.delete(pluginId);
    await upstream.stop();
  }

  /** Status of every upstream, by plugin id, for the admin API. */
  statuses(): Record<string, McpUpstreamStatus> {
    return Object.fromEntries([...this.upstreams].map(([id, upstream]) => [id, upstream.status()]));
  }

  /** Stops everything (shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(all.map((upstream) => upstream.stop()));
  }
}
