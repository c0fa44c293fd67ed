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
import { ClockHalfOpen } from './clock-half-open.js';
import type { ResilienceLimits, RetryLimits } from './resilience-settings.js';
import { isBreakerFailure, isRetryableFailure } from './retry-predicate.js';

/** One plugin's bulkhead, retry policy and breaker, built once and kept as long as the plugin is known. */
export class PluginCircuit {
  readonly bulkhead: BulkheadPolicy;
  /** For safe tools only (the executor decides); other tools get one attempt. */
  readonly retry: RetryPolicy;
  readonly breaker: CircuitBreakerPolicy;
  private readonly counter: ConsecutiveBreaker;
  /** Retry policies of tools with their own `resilience.tools.<tool>.retry`, built on first use. */
  private readonly toolRetries = new Map<string, RetryPolicy>();
  /** Our own record of the opening, for the admin view: cockatiel's is private (its half-open test reads our clock through ClockHalfOpen). */
  private openedAt: number | undefined;

  constructor(
    readonly pluginName: string,
    readonly limits: ResilienceLimits,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.bulkhead = bulkhead(limits.bulkhead.maxConcurrent, limits.bulkhead.maxQueued);
    this.counter = new ConsecutiveBreaker(limits.breaker.consecutiveFailures);
    this.breaker = circuitBreaker(handleWhen(isBreakerFailure), {
      halfOpenAfter: new ClockHalfOpen(clock, limits.breaker.halfOpenAfterMs),
      breaker: this.counter,
    });
    const plugin = pluginName;
    this.retry = this.retryPolicy(limits.retry);
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

  /** The retry policy of one tool: its own overrides field by field over the plugin's limits, built once per tool. */
  retryFor(toolName: string, own: Partial<RetryLimits> | undefined): RetryPolicy {
    if (own === undefined) return this.retry;
    let policy = this.toolRetries.get(toolName);
    if (policy === undefined) {
      policy = this.retryPolicy({ ...this.limits.retry, ...own });
      this.toolRetries.set(toolName, policy);
    }
    return policy;
  }

  private retryPolicy(limits: RetryLimits): RetryPolicy {
    const policy = retry(handleWhen(isRetryableFailure), {
      maxAttempts: Math.max(1, limits.maxAttempts) - 1,
      backoff: new ExponentialBackoff({ initialDelay: limits.baseDelayMs, maxDelay: limits.maxDelayMs }),
    });
    policy.onRetry(({ attempt, delay, ...reason }) => {
      const after = 'error' in reason && reason.error instanceof GatewayError ? reason.error.code : 'unknown';
      this.logger.info({ plugin: this.pluginName, attempt: attempt + 1, delayMs: Math.round(delay), after }, 'retrying upstream call');
    });
    return policy;
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
