/**
 * A signal that what some caller may see could have changed (the tool catalog was reloaded, grants were
 * refreshed). It says nothing about whom it concerns: listeners recompute what they care about.
 */
export interface VisibilityChanges {
  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: () => void): () => void;
}

export interface VisibilityChangeFeed extends VisibilityChanges {
  emit(): void;
}

/**
 * The in-process feed: changes made through this node reach listeners on this node only. With several
 * gateway nodes the same feed must travel over Redis pub/sub (not built yet), or a client connected to
 * one node misses changes made through another.
 */
export class InProcessVisibilityChanges implements VisibilityChangeFeed {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.listeners) listener();
  }
}
