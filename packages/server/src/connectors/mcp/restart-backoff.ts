/** How a supervised upstream waits between restarts. */
export interface RestartBackoff {
  /** Delay before the first restart after a failure. */
  readonly initialDelayMs: number;
  /** No delay is longer than this, however many failures in a row. */
  readonly maxDelayMs: number;
  readonly factor: number;
  /** A connection that stayed up this long resets the delay to `initialDelayMs`; a crash loop keeps growing it. */
  readonly stableAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = {
  initialDelayMs: 500,
  maxDelayMs: 60_000,
  factor: 2,
  stableAfterMs: 60_000,
};

/**
 * Exponential backoff with "equal jitter": half of the delay is fixed, half random, so many upstreams
 * failing together (a gateway restart, a network blip) do not restart in lockstep, yet a restart never
 * comes sooner than half the nominal delay.
 */
export function restartDelayMs(failuresInARow: number, backoff: RestartBackoff, random: () => number = Math.random): number {
  const nominal = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** failuresInARow);
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
