import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AuditEvent } from '../core/audit-event.js';
import type { Logger } from '../ports/logger.js';
import { CallMetrics } from './call-metrics.js';
import { registerStatsSource, type StatsSource } from './stats-source.js';

/** What `GET /metrics` serves: the Prometheus text exposition and its content type. */
export interface MetricsEndpoint {
  readonly contentType: string;
  render(): Promise<string>;
}

/** Where batches of audit events are committed (the group-commit writer's store), as far as timing it goes. */
export interface AuditBatches {
  appendBatch(events: readonly AuditEvent[]): Promise<void>;
}

const AUDIT_WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The gateway's metrics: its own registry (never prom-client's global one, so two gateways in one process
 * stay apart), Node's process metrics, the call observer, and the scrape-time sources other modules add.
 */
export class GatewayMetrics implements MetricsEndpoint {
  readonly calls: CallMetrics;
  private readonly registry = new Registry();
  private readonly sources: { readonly prefix: string; readonly refresh: () => void }[] = [];
  private readonly auditWrite: Histogram;

  constructor(private readonly logger: Logger) {
    collectDefaultMetrics({ register: this.registry, prefix: 'toolgate_' });
    this.calls = new CallMetrics(this.registry);
    this.auditWrite = new Histogram({
      name: 'toolgate_audit_write_seconds',
      help: 'Time to commit one batch of audit events (group commit); calls wait for it before they are answered.',
      buckets: AUDIT_WRITE_BUCKETS,
      registers: [this.registry],
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Adds numbers another module keeps (a cache's sizes and hit counts, breaker states), read at every scrape. */
  registerStats<K extends string, L extends string>(source: StatsSource<K, L>): void {
    this.sources.push({ prefix: source.prefix, refresh: registerStatsSource(this.registry, source) });
  }

  /** Wraps the audit batch store so each commit's duration is observed; one clock read either side of a batch. */
  timeAuditBatches(store: AuditBatches): AuditBatches {
    return {
      appendBatch: async (events) => {
        const started = performance.now();
        try {
          await store.appendBatch(events);
        } finally {
          this.auditWrite.observe((performance.now() - started) / 1000);
        }
      },
    };
  }

  async render(): Promise<string> {
    for (const source of this.sources) {
      try {
        source.refresh();
      } catch (err) {
        // One broken source must not take the others (or the call counters) off the scrape.
        this.logger.warn({ err, source: source.prefix }, 'metrics source failed to read; its metrics are left out of this scrape');
      }
    }
    return this.registry.metrics();
  }
}
