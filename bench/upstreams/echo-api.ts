/**
 * The bench's HTTP upstream: `GET …/items/{id}` on any path prefix answers {@link echoItem}, so every
 * operation of a generated spec (`/t{n}/items/{id}`) routes to this one handler. node:http, keep-alive.
 *
 *   PORT=0 node --import tsx bench/upstreams/echo-api.ts   # prints "listening on http://127.0.0.1:PORT"
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { echoItem } from './echo-item.js';

const ITEM_PATH = /\/items\/([^/?]+)(?:\?|$)/;

const server = createServer((req, res) => {
  const match = req.method === 'GET' ? ITEM_PATH.exec(req.url ?? '') : null;
  const body = match ? JSON.stringify(echoItem(decodeURIComponent(match[1] ?? ''))) : '{"error":"not found"}';
  res.writeHead(match ? 200 : 404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
// Load generators and proxies keep their connections for the whole run.
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
