import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ProgressNotificationSchema, type ProgressToken } from '@modelcontextprotocol/sdk/types.js';
import type { ProgressListener } from '../../ports/tool-executor.js';

/**
 * Routes an upstream's `notifications/progress` to the call that asked for them, by a token of our own per
 * call. Not the SDK's `onprogress`: the SDK handles a response at once but notifications a microtask later,
 * so it drops the progress a server sends just before its result (typescript-sdk issue #2580), and reports
 * each as an error. Here a call's route is closed only after its result was handed back, which runs after
 * the notifications that came before the result.
 */
export class UpstreamProgress {
  private nextToken = 0;
  private readonly routes = new Map<ProgressToken, ProgressListener>();

  /** Takes over the client's progress notifications (one router per connection). */
  constructor(client: Client) {
    client.setNotificationHandler(ProgressNotificationSchema, ({ params }) => {
      const listener = this.routes.get(params.progressToken);
      // Progress for a call that has ended (or never asked) is moot: dropped, not an error.
      if (listener === undefined) return;
      const { progress, total, message } = params;
      listener({ progress, ...(total === undefined ? {} : { total }), ...(message === undefined ? {} : { message }) });
    });
  }

  /** A fresh token for one call's `_meta.progressToken`; `close()` once the call has settled. */
  open(listener: ProgressListener): { readonly token: string; close(): void } {
    // Unique among this connection's calls in flight, as the spec asks; callers' own tokens never travel upstream.
    const token = `toolgate-${++this.nextToken}`;
    this.routes.set(token, listener);
    return { token, close: () => this.routes.delete(token) };
  }
}
