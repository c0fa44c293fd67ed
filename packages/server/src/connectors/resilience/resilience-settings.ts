/** Retry, breaker and bulkhead limits for one plugin (the config's `resilience` section). */
export interface ResilienceLimits {
  readonly retry: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly breaker: { readonly consecutiveFailures: number; readonly halfOpenAfterMs: number };
  readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueued: number };
}

type PartialLimits = { readonly [K in keyof ResilienceLimits]?: Partial<ResilienceLimits[K]> };

/** Defaults for every plugin, plus per-plugin partial overrides. */
export interface ResilienceSettings extends ResilienceLimits {
  readonly plugins?: Readonly<Record<string, PartialLimits>>;
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
