/**
 * The ungoverned floor: a minimal fastify + undici pass-through proxy in front of the echo API. It shows
 * what any separate-process HTTP proxy costs on this machine; the gateway cannot be cheaper than that.
 *
 *   UPSTREAM=http://127.0.0.1:PORT PORT=0 node --import tsx bench/upstreams/passthrough-proxy.ts
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = new Pool(process.env['UPSTREAM'] ?? 'http://127.0.0.1:1', { connections: 128 });
const app = Fastify({ logger: false, keepAliveTimeout: 120_000 });
app.get('/*', async (req, reply) => {
  const res = await upstream.request({ path: req.url, method: 'GET' });
  const contentType = res.headers['content-type'];
  if (typeof contentType === 'string') void reply.header('content-type', contentType);
  return reply.code(res.statusCode).send(await res.body.text());
});
const url = await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' });
console.log(`listening on ${url}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
