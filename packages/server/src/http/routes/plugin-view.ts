import type { Plugin } from '../../core/plugin.js';

/**
 * A plugin as the admin API shows it. An MCP child's environment values are typically credentials: only
 * their names are shown, never the values (they are kept to start the child, nothing else).
 */
export function pluginView(plugin: Plugin): Plugin {
  const connection = plugin.connection;
  if (connection?.transport !== 'stdio') return plugin;
  const env = Object.fromEntries(Object.keys(connection.env).map((key) => [key, '[redacted]']));
  return { ...plugin, connection: { ...connection, env } };
}
