import type { ProgressNotification, ProgressToken } from '@modelcontextprotocol/sdk/types.js';
import { MAX_PROGRESS_MESSAGE_CHARS, type ExecutionProgress, type ProgressListener } from '../ports/tool-executor.js';

/** Sustained rate: at most this many notifications a second per call… */
export const PROGRESS_PER_SECOND = 10;
/** …after a short burst, so a quick 0/50/100 of a brief call all get through. */
export const PROGRESS_BURST = 5;

export interface ProgressRelay {
  /** Hand this to the call as its progress callback. */
  readonly onProgress: ProgressListener;
  /**
   * Ends relaying before the result is sent: the last update held back by the throttle is sent now (so the
   * caller always sees the final state), and nothing is sent afterwards, as the spec asks once a request ends.
   */
  settle(): Promise<void>;
}

type SendNotification = (notification: ProgressNotification) => Promise<void>;

/**
 * Relays a call's upstream progress to the MCP caller as `notifications/progress` with the caller's own token,
 * throttled with a token bucket. Updates that do not increase `progress` are dropped (the spec requires it
 * to increase). Returns undefined when the caller sent no progress token: then nothing is relayed.
 */
export function progressRelay(token: ProgressToken | undefined, send: SendNotification): ProgressRelay | undefined {
  if (token === undefined) return undefined;
  let tokens = PROGRESS_BURST;
  let refilledAt = Date.now();
  let lastProgress = -Infinity;
  let pending: ExecutionProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  // One chain, so notifications go out in order and settle() can wait for the last write.
  let sending: Promise<void> = Promise.resolve();

  const refill = (): void => {
    const now = Date.now();
    tokens = Math.min(PROGRESS_BURST, tokens + ((now - refilledAt) * PROGRESS_PER_SECOND) / 1000);
    refilledAt = now;
  };
  const emit = (update: ExecutionProgress): void => {
    tokens -= 1;
    const params = {
      progressToken: token,
      progress: update.progress,
      ...(update.total === undefined ? {} : { total: update.total }),
      ...(update.message !== undefined && update.message.length <= MAX_PROGRESS_MESSAGE_CHARS ? { message: update.message } : {}),
    };
    // A caller that went away loses its progress; the call itself goes on and is audited as usual.
    sending = sending.then(() => send({ method: 'notifications/progress', params })).catch(() => undefined);
  };
  const flushPending = (): void => {
    timer = undefined;
    refill();
    if (pending !== undefined) emit(pending);
    pending = undefined;
  };

  return {
    onProgress: (update) => {
      if (settled || !(update.progress > lastProgress)) return;
      lastProgress = update.progress;
      refill();
      if (timer === undefined && tokens >= 1) return emit(update);
      // Over budget: keep only the newest update and send it when the next token is due.
      pending = update;
      if (timer === undefined) timer = setTimeout(flushPending, Math.ceil(((1 - tokens) * 1000) / PROGRESS_PER_SECOND));
    },
    settle: async () => {
      settled = true;
      clearTimeout(timer);
      if (pending !== undefined) emit(pending);
      pending = undefined;
      await sending;
    },
  };
}
