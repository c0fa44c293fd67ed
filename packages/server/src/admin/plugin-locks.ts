/**
 * Serialises the read-reconcile-write sequences on one plugin's tools (syncs, MCP re-syncs, review
 * decisions) within this gateway process, so a decision never overwrites a sync it did not see, or the
 * reverse. Several gateway nodes would need a database lock instead (see docs/architecture.md).
 */
export class PluginLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(pluginId: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(pluginId) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(pluginId, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(pluginId) === tail) this.tails.delete(pluginId);
    }
  }
}
