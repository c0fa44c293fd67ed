import type { IBackoff, IBackoffFactory } from 'cockatiel';
import type { Clock } from '../../ports/clock.js';

/**
 * The breaker's half-open delay on our Clock. cockatiel 3.2.1 keeps `openedAt` on Date.now and, on each
 * call while open, tests `Date.now() - openedAt < backoff.duration`, reading `duration` at that moment. A
 * duration of +Infinity (still waiting on our clock) or -Infinity (the delay is over) makes that test
 * answer what our clock says, whatever the wall clock does.
 */
export class ClockHalfOpen implements IBackoffFactory<unknown> {
  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
  ) {}

  /** Called by cockatiel when the circuit opens (again). */
  next(): IBackoff<unknown> {
    const openedAt = this.clock.now();
    const { clock, delayMs } = this;
    return {
      get duration(): number {
        return clock.now() - openedAt < delayMs ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      },
      next: () => this.next(),
    };
  }
}
