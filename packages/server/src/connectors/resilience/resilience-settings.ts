/** Retry, breaker and bulkhead limits for one plugin (the config's `resilience` section). */
export interface ResilienceLimits {
  readonly retry: RetryLimits;
  readonly breaker: { readonly consecutiveFailures: number; readonly halfOpenAfterMs: number };
  readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueued: number };
}

export interface RetryLimits {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What answers when a plugin is down or slow: a stale cached result (read tools only), else a fixed message. */
export interface FallbackRule {
  readonly message?: string;
  readonly staleCache?: boolean;
}

type PartialLimits = { readonly [K in keyof ResilienceLimits]?: Partial<ResilienceLimits[K]> };

/** A tool's own settings; breaker and bulkhead stay per plugin, since they protect the plugin as a whole. */
export interface ToolResilience {
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryLimits>;
  readonly fallback?: FallbackRule;
}

/** Defaults for every plugin, plus per-plugin and per-tool partial overrides. */
export interface ResilienceSettings extends ResilienceLimits {
  readonly plugins?: Readonly<Record<string, PartialLimits & { readonly fallback?: FallbackRule }>>;
  readonly tools?: Readonly<Record<string, ToolResilience>>;
}

/** The limits for one plugin: its overrides field by field over the defaults. */
export function limitsFor(settings: ResilienceSettings, pluginName: string): ResilienceLimits {
  const own = settings.plugins?.[pluginName] ?? {};
  return {
    retry: { ...settings.retry, ...own.retry },
    breaker: { ...settings.breaker, ...own.breaker },
    bulkhead: { ...settings.bulkhead, ...own.bulkhead },
  };
}

/** The tool's own timeout when it has one, else the plugin's. */
export function timeoutFor(settings: ResilienceSettings, toolName: string, pluginTimeoutMs: number): number {
  return settings.tools?.[toolName]?.timeoutMs ?? pluginTimeoutMs;
}

/** The tool's fallback field by field over its plugin's; empty when neither has one. */
export function fallbackFor(settings: ResilienceSettings, pluginName: string, toolName: string): FallbackRule {
  return { ...settings.plugins?.[pluginName]?.fallback, ...settings.tools?.[toolName]?.fallback };
}
