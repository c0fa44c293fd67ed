import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { okOperation } from './ok-operation.js';

/**
 * A real loopback upstream that misbehaves on purpose: hangs, fails, redirects, answers huge.
 * `spec` is an OpenAPI document for it, so it imports like any plugin.
 */
export interface MisbehavingUpstream {
  readonly url: string;
  readonly spec: Record<string, unknown>;
  close(): Promise<void>;
}

export async function startMisbehavingUpstream(): Promise<MisbehavingUpstream> {
  const hanging = new Set<ServerResponse>();
  let url = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/hang') {
      hanging.add(res);
      return;
    }
    if (path === '/fail') {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down for maintenance"}');
      return;
    }
    if (path === '/redirect') {
      // Same machine, another port: a different origin, so the connector must refuse to follow.
      res.writeHead(302, { location: 'http://127.0.0.1:1/internal-admin' }).end();
      return;
    }
    if (path === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(50_000));
      return;
    }
    if (path === '/echo') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such path"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const spec = {
    openapi: '3.1.0',
    info: { title: 'Misbehaving', version: '1' },
    servers: [{ url }],
    paths: {
      '/hang': okOperation('hang'),
      '/fail': okOperation('fail'),
      '/redirect': okOperation('redirect'),
      '/big': okOperation('big'),
      '/echo': {
        get: {
          operationId: 'echo',
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  };
  return {
    url,
    spec,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
