import type { CatalogEntry } from '../ports/tool-catalog.js';

/** A tool as one endpoint shows it: under its own name on `/mcp`, without the plugin prefix on `/mcp/{plugin}`. */
export interface EndpointTool {
  readonly name: string;
  readonly entry: CatalogEntry;
}

/** Our tool names are `<plugin>__<name>` (plugins/tool-naming.ts). */
export function pluginPrefix(plugin: string): string {
  return `${plugin}__`;
}

/**
 * The visible entries an endpoint serves, in catalog (name) order. Which tools are visible is decided by
 * `listTools` alone; the scope only narrows that to one plugin. The prefix is constant within a scope,
 * so the bare names keep the catalog's order.
 */
export function endpointTools(visible: readonly CatalogEntry[], scope: string): EndpointTool[] {
  if (scope === '') return visible.map((entry) => ({ name: entry.tool.name, entry }));
  const prefix = pluginPrefix(scope);
  return visible.filter((entry) => inScope(entry, scope)).map((entry) => ({ name: entry.tool.name.slice(prefix.length), entry }));
}

/** Whether an endpoint serves an entry: every tool on `/mcp`, the plugin's own on `/mcp/{plugin}`. */
export function inScope(entry: CatalogEntry, scope: string): boolean {
  return scope === '' || (entry.plugin.name === scope && entry.tool.name.startsWith(pluginPrefix(scope)));
}

/** Our tool name for a name a client sent to an endpoint. */
export function fullToolName(scope: string, name: string): string {
  return scope === '' ? name : `${pluginPrefix(scope)}${name}`;
}
