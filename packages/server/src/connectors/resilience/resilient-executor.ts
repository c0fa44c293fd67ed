import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError } from 'cockatiel';
import { GatewayError } from '../../core/gateway-error.js';
import type { CircuitStates, CircuitView } from '../../ports/circuit-states.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { ExecutionRequest, ToolExecutor, UpstreamResult } from '../../ports/tool-executor.js';
import { PluginCircuit } from './plugin-circuit.js';
import { limitsFor, timeoutFor, type ResilienceSettings } from './resilience-settings.js';
import { isSafeToRetry } from './retry-predicate.js';

/**
 * Wraps the connectors with, per plugin: a bulkhead (concurrency cap), retries with jittered
 * backoff for safe tools and retryable failures, and a consecutive-failure circuit breaker.
 * Each attempt has the plugin's own timeout, so a retried call may take up to
 * `maxAttempts × timeoutMs` plus backoff; lower `retry.maxAttempts` for a plugin to tighten that.
 * A tool may override its plugin's timeout and retry limits (`resilience.tools`); breaker and bulkhead stay per plugin.
 */
export class ResilientExecutor implements ToolExecutor, CircuitStates {
  private readonly circuits = new Map<string, PluginCircuit>();

  constructor(
    private readonly inner: ToolExecutor,
    private readonly settings: ResilienceSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(given: ExecutionRequest): Promise<UpstreamResult> {
    const { plugin, tool } = given;
    const circuit = this.circuitOf(plugin.name);
    const req = { ...given, timeoutMs: timeoutFor(this.settings, tool.name, given.timeoutMs) };
    let attempts = 0;
    try {
      const attempt = (): Promise<UpstreamResult> =>
        circuit.breaker.execute(() => {
          attempts += 1;
          return this.inner.execute(req);
        });
      const result = await circuit.bulkhead.execute(() =>
        isSafeToRetry(tool) ? circuit.retryFor(tool.name, this.settings.tools?.[tool.name]?.retry).execute(attempt) : attempt(),
      );
      return attempts > 1 ? { ...result, attempts } : result;
    } catch (err) {
      throw this.translate(err, circuit, attempts);
    }
  }

  circuitState(pluginName: string): CircuitView {
    return this.circuits.get(pluginName)?.view() ?? { state: 'closed', failures: 0 };
  }

  /** Drops a removed plugin's breaker and bulkhead, so a new plugin of the same name starts fresh. */
  forget(pluginName: string): void {
    this.circuits.delete(pluginName);
  }

  private circuitOf(pluginName: string): PluginCircuit {
    let circuit = this.circuits.get(pluginName);
    if (!circuit) {
      circuit = new PluginCircuit(pluginName, limitsFor(this.settings, pluginName), this.clock, this.logger);
      this.circuits.set(pluginName, circuit);
    }
    return circuit;
  }

  private translate(err: unknown, circuit: PluginCircuit, attempts: number): unknown {
    const plugin = circuit.pluginName;
    if (err instanceof BulkheadRejectedError) {
      return new GatewayError('UPSTREAM_BUSY', {
        reason: `${plugin} has ${circuit.limits.bulkhead.maxConcurrent} calls in flight and a full queue`,
      });
    }
    if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
      const retryAfterMs = circuit.retryAfterMs();
      const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      return new GatewayError('UPSTREAM_CIRCUIT_OPEN', {
        details: { retryAfterSeconds },
        reason: `${plugin} circuit is open after ${circuit.limits.breaker.consecutiveFailures} consecutive failures${attempts > 0 ? ` (after ${attempts} attempts)` : ''}`,
        retryAfterSeconds,
        attempts,
      });
    }
    // The audit reason says how hard we tried; code, message and details stay the connector's.
    if (err instanceof GatewayError && attempts > 1) {
      return new GatewayError(err.code, {
        message: err.message,
        ...(err.details !== undefined ? { details: err.details } : {}),
        reason: `${err.reason ?? err.message} (after ${attempts} attempts)`,
        ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
        attempts,
      });
    }
    return err;
  }
}
