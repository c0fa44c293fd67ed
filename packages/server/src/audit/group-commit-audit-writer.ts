import type { AuditEvent } from '../core/audit-event.js';
import type { AuditSink } from '../ports/audit-sink.js';

export interface AuditBatchStore {
  appendBatch(events: readonly AuditEvent[]): Promise<void>;
}

interface Pending {
  readonly event: AuditEvent;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit: events appended during one turn of the event loop are written in one transaction,
 * and each `append` resolves only after its transaction committed. A caller is answered only once
 * its audit record is durable, so an acknowledged call's record is never lost.
 */
export class GroupCommitAuditWriter implements AuditSink {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuditBatchStore,
    private readonly maxBatch = 500,
  ) {}

  append(event: AuditEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.queue.length >= this.maxBatch) {
        this.flushSoon(true);
      } else {
        this.flushSoon(false);
      }
    });
  }

  /** Resolves once everything appended so far is written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) {
      this.flushSoon(true);
      await this.inFlight;
    }
    await this.inFlight;
  }

  private flushSoon(now: boolean): void {
    if (this.scheduled && !now) return;
    this.scheduled = true;
    const run = (): void => {
      this.inFlight = this.inFlight.then(() => this.flush());
    };
    if (now) run();
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    try {
      await this.store.appendBatch(batch.map((p) => p.event));
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
