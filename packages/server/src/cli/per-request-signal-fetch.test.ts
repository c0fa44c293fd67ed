import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perRequestSignalFetch } from './per-request-signal-fetch.js';

// A long-lived transport signal, as the SDK's StreamableHTTPClientTransport hands to every request.
describe('perRequestSignalFetch', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"n":1}\n\n');
        if (req.headers['x-end'] === 'yes') res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('leaves no listener on the long-lived signal after many requests, streams included', async () => {
    const lifetime = new AbortController();
    const fetchFn = perRequestSignalFetch();
    for (let i = 0; i < 300; i++) {
      const res = await fetchFn(`${url}/json`, { signal: lifetime.signal });
      expect(await res.json()).toEqual({ ok: true });
    }
    const ended = await fetchFn(`${url}/stream`, { signal: lifetime.signal, headers: { 'x-end': 'yes' } });
    expect(await ended.text()).toBe('data: {"n":1}\n\n');
    const cancelled = await fetchFn(`${url}/stream`, { signal: lifetime.signal });
    await cancelled.body?.cancel();
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(0);
  });

  it('still aborts a request in flight when the long-lived signal aborts (the transport closing)', async () => {
    const lifetime = new AbortController();
    const open = await perRequestSignalFetch()(`${url}/stream`, { signal: lifetime.signal });
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(1);
    const reader = open.body!.getReader();
    await reader.read();
    lifetime.abort(new Error('transport closed'));
    await expect(reader.read()).rejects.toThrow();
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(0);
  });
});
