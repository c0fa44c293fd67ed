import type { Plugin } from '../core/plugin.js';
import type { CatalogEntry, ToolCatalog } from '../ports/tool-catalog.js';
import type { VisibilityChangeFeed } from '../ports/visibility-changes.js';
import type { PluginStore } from './plugin-store.js';

/**
 * The tool catalog held in memory for the hot path (a Map lookup per call), rebuilt from the store
 * after every change made through this node.
 */
export class CachedToolCatalog implements ToolCatalog {
  private entries = new Map<string, CatalogEntry>();
  private sorted: CatalogEntry[] = [];

  constructor(
    private readonly plugins: PluginStore,
    /** Told after every reload, so open MCP streams can say `list_changed` to clients whose tools changed. */
    private readonly changes?: VisibilityChangeFeed,
  ) {}

  async reload(): Promise<void> {
    const plugins = new Map<string, Plugin>((await this.plugins.list()).map((p) => [p.id, p]));
    const next = new Map<string, CatalogEntry>();
    for (const tool of await this.plugins.listTools()) {
      const plugin = plugins.get(tool.pluginId);
      if (plugin) next.set(tool.name, { tool, plugin });
    }
    this.entries = next;
    this.sorted = [...next.values()].sort((a, b) => a.tool.name.localeCompare(b.tool.name));
    this.changes?.emit();
  }

  get(name: string): CatalogEntry | undefined {
    return this.entries.get(name);
  }

  list(): readonly CatalogEntry[] {
    return this.sorted;
  }
}
