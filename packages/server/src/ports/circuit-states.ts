/** What the admin API shows of one plugin's circuit breaker. */
export interface CircuitView {
  readonly state: 'closed' | 'open' | 'half-open';
  /** Consecutive upstream failures counted towards opening the circuit. */
  readonly failures: number;
  /** ISO time the circuit last opened, while it is open or half-open. */
  readonly openedAt?: string;
  /** While open: milliseconds until a probe call is let through. */
  readonly retryAfterMs?: number;
}

/** Reads breaker states without reaching into the executor that owns them. */
export interface CircuitStates {
  circuitState(pluginName: string): CircuitView;
}

/** Lets the admin side drop a removed plugin's breaker and bulkhead, so a new plugin of the same name starts closed. */
export interface CircuitReset {
  forget(pluginName: string): void;
}
