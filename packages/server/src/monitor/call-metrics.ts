import { Counter, Histogram, type Registry } from 'prom-client';
import type { CallObserver, FinishedCall } from '../ports/call-observer.js';

/** Half a millisecond (a refusal before any I/O) to the longest upstream timeouts with retries. */
export const CALL_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Counts finished tool calls. Label values come from the audit record: surface, decision, outcome and
 * code are closed sets, and plugin and tool are set only when the tool resolved, so names a caller made
 * up never become series.
 */
export class CallMetrics implements CallObserver {
  private readonly calls: Counter<'surface' | 'plugin' | 'tool' | 'decision' | 'outcome' | 'code'>;
  private readonly duration: Histogram<'surface' | 'plugin' | 'outcome'>;
  private readonly rateLimited: Counter<'limit'>;
  private readonly attempts: Counter<'plugin'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.calls = new Counter({
      name: 'toolgate_tool_calls_total',
      help: 'Tool calls by surface, plugin, tool, decision, outcome and error code ("" when none, or when the tool did not resolve).',
      labelNames: ['surface', 'plugin', 'tool', 'decision', 'outcome', 'code'],
      registers,
    });
    this.duration = new Histogram({
      name: 'toolgate_tool_call_duration_seconds',
      help: 'Time from a call reaching the pipeline to its answer, audit record excluded.',
      labelNames: ['surface', 'plugin', 'outcome'],
      buckets: CALL_DURATION_BUCKETS,
      registers,
    });
    this.rateLimited = new Counter({
      name: 'toolgate_rate_limited_total',
      help: 'Calls refused by a rate limit or daily quota (RATE_LIMITED, QUOTA_EXCEEDED), by the limit that refused them.',
      labelNames: ['limit'],
      registers,
    });
    this.attempts = new Counter({
      name: 'toolgate_upstream_attempts_total',
      help: 'Requests sent upstream, retries included, per plugin.',
      labelNames: ['plugin'],
      registers,
    });
  }

  callFinished({ event, attempts, limit }: FinishedCall): void {
    const plugin = event.pluginName ?? '';
    this.calls.inc({
      surface: event.surface,
      plugin,
      tool: event.pluginName === null ? '' : event.action,
      decision: event.decision,
      outcome: event.outcome,
      code: event.errorCode ?? '',
    });
    this.duration.observe({ surface: event.surface, plugin, outcome: event.outcome }, event.latencyMs / 1000);
    if (limit !== null) this.rateLimited.inc({ limit });
    if (attempts > 0) this.attempts.inc({ plugin }, attempts);
  }
}
