import { BulkheadPolicy, CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, bulkhead, circuitBreaker, handleWhen } from 'cockatiel';
import type { CircuitView } from '../../ports/circuit-states.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { ResilienceLimits } from './resilience-settings.js';
import { isBreakerFailure } from './retry-predicate.js';

/** One plugin's bulkhead and breaker, which live as long as the plugin is known. */
export class PluginCircuit {
  readonly bulkhead: BulkheadPolicy;
  readonly breaker: CircuitBreakerPolicy;
  private readonly counter: ConsecutiveBreaker;
  /** Our own record of the opening, on our clock: cockatiel keeps its own private and on Date.now. */
  private openedAt: number | undefined;

  constructor(
    readonly pluginName: string,
    readonly limits: ResilienceLimits,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.bulkhead = bulkhead(limits.bulkhead.maxConcurrent, limits.bulkhead.maxQueued);
    this.counter = new ConsecutiveBreaker(limits.breaker.consecutiveFailures);
    this.breaker = circuitBreaker(handleWhen(isBreakerFailure), {
      halfOpenAfter: limits.breaker.halfOpenAfterMs,
      breaker: this.counter,
    });
    const plugin = pluginName;
    this.breaker.onBreak(() => {
      this.openedAt = this.clock.now();
      logger.warn({ plugin, halfOpenAfterMs: limits.breaker.halfOpenAfterMs }, 'circuit opened: calls to the plugin are refused');
    });
    this.breaker.onHalfOpen(() => logger.info({ plugin }, 'circuit half-open: one probe call let through'));
    this.breaker.onReset(() => {
      this.openedAt = undefined;
      logger.info({ plugin }, 'circuit closed: the plugin answered the probe');
    });
    this.bulkhead.onReject(() => logger.warn({ plugin, ...limits.bulkhead }, 'bulkhead full: call refused'));
  }

  /** Milliseconds until an open circuit lets a probe through (0 once it would). */
  retryAfterMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.limits.breaker.halfOpenAfterMs - this.clock.now());
  }

  view(): CircuitView {
    const state = this.breaker.state;
    if (state === CircuitState.Closed) return { state: 'closed', failures: this.counter.state };
    const openedAt = this.openedAt !== undefined ? { openedAt: new Date(this.openedAt).toISOString() } : {};
    const wait = this.retryAfterMs();
    // cockatiel moves to half-open lazily, on the next call; once the delay is over that call is the probe.
    if (state === CircuitState.HalfOpen || wait === 0) return { state: 'half-open', failures: this.counter.state, ...openedAt };
    return { state: 'open', failures: this.counter.state, ...openedAt, retryAfterMs: wait };
  }
}
