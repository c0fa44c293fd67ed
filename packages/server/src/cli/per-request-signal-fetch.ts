import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * A fetch for a long-lived SDK transport that gives every request a signal of its own. The transport hands
 * every request the one AbortSignal of its lifetime, and Node's fetch adds an abort listener to that signal
 * per request that goes away only when the request is garbage-collected: the `toolgate mcp --stdio` bridge
 * held 2,390 listeners (MaxListenersExceededWarning) and 160 MB of heap after 5,000 relayed calls, released
 * only by a full GC. Here each request's own signal follows the transport's through one listener that is
 * removed as soon as the request is over: when the answer arrived, or for a stream, when it ended.
 */
export function perRequestSignalFetch(base: FetchLike = (url, init) => fetch(url, init)): FetchLike {
  return async (url, init) => {
    const outer = init?.signal ?? undefined;
    if (outer === undefined || outer === null) return base(url, init);
    outer.throwIfAborted();
    const own = new AbortController();
    const follow = (): void => own.abort(outer.reason);
    outer.addEventListener('abort', follow, { once: true });
    const release = (): void => outer.removeEventListener('abort', follow);
    let res: Response;
    try {
      res = await base(url, { ...init, signal: own.signal });
    } catch (err) {
      release();
      throw err;
    }
    // Only a stream stays open after its headers; any other answer is read at once by the transport.
    if (res.body === null || !isEventStream(res)) {
      release();
      return res;
    }
    return withEndHook(res, res.body, release);
  };
}

function isEventStream(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** The same response, calling `ended` once its body is read to the end, fails or is cancelled. */
function withEndHook(res: Response, source: ReadableStream<Uint8Array>, ended: () => void): Response {
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          ended();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      } catch (err) {
        ended();
        controller.error(err);
      }
    },
    async cancel(reason) {
      ended();
      await reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
