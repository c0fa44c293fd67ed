import {
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  RetryPolicy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
} from 'cockatiel';
import { GatewayError } from '../../core/gateway-error.js';
import type { CircuitView } from '../../ports/circuit-states.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { ResilienceLimits } from './resilience-settings.js';
import { isBreakerFailure, isRetryableFailure } from './retry-predicate.js';

/** One plugin's bulkhead, retry policy and breaker, built once and kept as long as the plugin is known. */
export class PluginCircuit {
  readonly bulkhead: BulkheadPolicy;
  /** For safe tools only (the executor decides); other tools get one attempt. */
  readonly retry: RetryPolicy;
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
    this.retry = retry(handleWhen(isRetryableFailure), {
      maxAttempts: Math.max(1, limits.retry.maxAttempts) - 1,
      backoff: new ExponentialBackoff({ initialDelay: limits.retry.baseDelayMs, maxDelay: limits.retry.maxDelayMs }),
    });
    this.retry.onRetry(({ attempt, delay, ...reason }) => {
      const after = 'error' in reason && reason.error instanceof GatewayError ? reason.error.code : 'unknown';
      logger.info({ plugin, attempt: attempt + 1, delayMs: Math.round(delay), after }, 'retrying upstream call');
    });
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
