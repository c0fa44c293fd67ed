import type { ProgressNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PROGRESS_MESSAGE_CHARS } from '../ports/tool-executor.js';
import { PROGRESS_BURST, PROGRESS_PER_SECOND, progressRelay } from './progress-relay.js';

describe('progressRelay', () => {
  let sent: ProgressNotification['params'][];
  const send = async (n: ProgressNotification): Promise<void> => void sent.push(n.params);

  beforeEach(() => {
    sent = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('relays nothing when the caller sent no token', () => {
    expect(progressRelay(undefined, send)).toBeUndefined();
  });

  it("passes a burst at once under the caller's token, then at most the sustained rate, and the last one on settle", async () => {
    const relay = progressRelay('caller-7', send)!;
    for (let i = 1; i <= 100; i++) relay.onProgress({ progress: i, total: 100 });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((p) => p.progress)).toEqual(Array.from({ length: PROGRESS_BURST }, (_, i) => i + 1));
    expect(sent.every((p) => p.progressToken === 'caller-7')).toBe(true);

    // One second later: only the newest held-back update went out in between, at the sustained rate.
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.length).toBeLessThanOrEqual(PROGRESS_BURST + PROGRESS_PER_SECOND);
    expect(sent.at(-1)?.progress).toBe(100);

    relay.onProgress({ progress: 101, total: 200 });
    relay.onProgress({ progress: 150, total: 200 });
    await relay.settle();
    expect(sent.at(-1)).toEqual({ progressToken: 'caller-7', progress: 150, total: 200 });
    const values = sent.map((p) => p.progress);
    expect(values).toEqual([...new Set(values)].sort((a, b) => a - b));
  });

  it('sends nothing after settle, and drops updates that do not increase', async () => {
    const relay = progressRelay(3, send)!;
    relay.onProgress({ progress: 5 });
    relay.onProgress({ progress: 5 });
    relay.onProgress({ progress: 4 });
    await relay.settle();
    relay.onProgress({ progress: 9 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([{ progressToken: 3, progress: 5 }]);
  });

  it('keeps a short message and drops a long one', async () => {
    const relay = progressRelay('t', send)!;
    relay.onProgress({ progress: 1, message: 'x'.repeat(MAX_PROGRESS_MESSAGE_CHARS) });
    relay.onProgress({ progress: 2, message: 'x'.repeat(MAX_PROGRESS_MESSAGE_CHARS + 1) });
    await relay.settle();
    expect(sent).toEqual([
      { progressToken: 't', progress: 1, message: 'x'.repeat(MAX_PROGRESS_MESSAGE_CHARS) },
      { progressToken: 't', progress: 2 },
    ]);
  });

  it('a caller that went away does not break the call', async () => {
    const relay = progressRelay('t', () => Promise.reject(new Error('stream closed')))!;
    relay.onProgress({ progress: 1 });
    await expect(relay.settle()).resolves.toBeUndefined();
  });
});
