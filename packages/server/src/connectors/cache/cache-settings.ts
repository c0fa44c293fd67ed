import type { Tool } from '../../core/tool.js';

/** How long results of a plugin's or a tool's read calls are kept (the config's `cache.plugins` / `cache.tools`). */
export interface CacheRule {
  readonly ttlSeconds?: number;
  /** The same for every caller: one cached result serves all of them. Otherwise results are kept per principal. */
  readonly public?: boolean;
  /** How long after expiry a result is still kept, to be served only when the plugin fails (`fallback.staleCache`). */
  readonly staleIfErrorSeconds?: number;
}

/** The config's `cache` section. */
export interface CacheSettings {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly plugins?: Readonly<Record<string, CacheRule>>;
  readonly tools?: Readonly<Record<string, CacheRule>>;
}

/** A tool's rule once resolved: caching is on. */
export interface ActiveCacheRule {
  readonly ttlMs: number;
  readonly staleMs: number;
  readonly public: boolean;
}

/**
 * The rule for one tool: its own fields over its plugin's. Only read-tier tools are cached, and only with a
 * positive TTL (default: nothing is cached); a tool may turn its plugin's caching off with `ttlSeconds: 0`.
 */
export function cacheRuleFor(settings: CacheSettings, tool: Tool): ActiveCacheRule | undefined {
  if (tool.riskTier !== 'read') return undefined;
  const rule: CacheRule = { ...settings.plugins?.[tool.pluginName], ...settings.tools?.[tool.name] };
  if (rule.ttlSeconds === undefined || rule.ttlSeconds <= 0) return undefined;
  return { ttlMs: rule.ttlSeconds * 1000, staleMs: (rule.staleIfErrorSeconds ?? 0) * 1000, public: rule.public === true };
}
