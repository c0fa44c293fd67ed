/**
 * A loopback reverse proxy that adds `Authorization: Bearer <key>` to every request: the MCP conformance
 * suite's client cannot send headers, and the gateway rightly refuses anonymous calls. Test tooling only.
 *
 * Everything else passes through untouched, in both directions and streamed (SSE answers flow as they
 * are written): in particular `Host` and `Origin`, so the suite's DNS-rebinding scenario still tests the
 * gateway's own checks rather than this proxy's.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthHeaderProxy {
  /** The proxy's origin, e.g. `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Starts forwarding to `target` (an http origin) with `key`; until then every request is answered 503. */
  forwardTo(target: string, key: string): void;
  close(): Promise<void>;
}

export async function startAuthHeaderProxy(): Promise<AuthHeaderProxy> {
  // Own agent, so closing the proxy also closes its kept-alive connections to the target.
  const agent = new Agent({ keepAlive: true });
  let upstream: { url: URL; key: string } | undefined;
  const server = createServer((req, res) => {
    if (upstream === undefined) return void res.writeHead(503).end('proxy target not set');
    forward(req, res, upstream.url, upstream.key, agent);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    forwardTo: (target, key) => void (upstream = { url: new URL(target), key }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, key: string, agent: Agent): void {
  const outgoing = request(
    {
      agent,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      // rawHeaders keeps the client's Host (node would otherwise write the target's).
      headers: { ...headerPairs(req.rawHeaders), authorization: `Bearer ${key}` },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      // An SSE stream may stay silent for a while; the client needs its headers now.
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  outgoing.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`proxy: ${err.message}`);
  });
  // The client gave up (or the suite cancelled an SSE read): stop the gateway's side too.
  res.on('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  req.pipe(outgoing);
}

/** `rawHeaders` as an object; a repeated header keeps all its values. */
function headerPairs(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'authorization') continue;
    const seen = headers[name];
    headers[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return headers;
}
