import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';

export interface CatalogEntry {
  readonly tool: Tool;
  readonly plugin: Plugin;
}

/** The tools the gateway can run, by model-visible name. Held in memory; refreshed on change. */
export interface ToolCatalog {
  get(name: string): CatalogEntry | undefined;
  list(): readonly CatalogEntry[];
}
