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
  return visible
    .filter((entry) => entry.plugin.name === scope && entry.tool.name.startsWith(prefix))
    .map((entry) => ({ name: entry.tool.name.slice(prefix.length), entry }));
}

/** Our tool name for a name a client sent to an endpoint. */
export function fullToolName(scope: string, name: string): string {
  return scope === '' ? name : `${pluginPrefix(scope)}${name}`;
}
