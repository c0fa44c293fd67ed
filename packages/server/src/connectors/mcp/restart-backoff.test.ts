import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_BACKOFF, restartDelayMs } from './restart-backoff.js';

describe('restartDelayMs', () => {
  const backoff = { ...DEFAULT_RESTART_BACKOFF, initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };

  it('grows exponentially between half and all of the nominal delay, and stays under the cap', () => {
    expect(restartDelayMs(0, backoff, () => 0)).toBe(50);
    expect(restartDelayMs(0, backoff, () => 1)).toBe(100);
    expect(restartDelayMs(3, backoff, () => 0)).toBe(400);
    expect(restartDelayMs(3, backoff, () => 1)).toBe(800);
    expect(restartDelayMs(30, backoff, () => 1)).toBe(1_000);
    expect(restartDelayMs(30, backoff, () => 0)).toBe(500);
  });
});
