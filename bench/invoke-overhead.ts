/**
 * Benchmark (not a test): direct calls to the example orders API vs the same call through
 * `POST /v1/tools/{name}/invoke` with the full pipeline on (API-key auth, schema validation, grants,
 * rate limit, approval gate, SSRF-guarded connector, output filter, group-committed audit).
 * Loopback only; bounded by time. Prints a table and writes JSON to bench/results/.
 *
 *   npm run bench                 # 8 s per run
 *   BENCH_SECONDS=3 npm run bench # quicker
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  target: string;
  connections: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

async function run(
  target: string,
  url: string,
  connections: number,
  opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<Row> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
  });
  return {
    target,
    connections,
    requestsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * autocannon reports whole milliseconds, too coarse for a sub-millisecond target, so one connection
 * is also measured with a sequential loop timed in microseconds.
 */
async function sequential(
  target: string,
  url: string,
  opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  durationSeconds = seconds,
): Promise<Row> {
  const dispatcher = new Agent({ connections: 1 });
  const samples: number[] = [];
  let non2xx = 0;
  const deadline = performance.now() + durationSeconds * 1000;
  const started = performance.now();
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const res = await request(url, { method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, dispatcher });
    await res.body.text();
    samples.push(performance.now() - t0);
    if (res.statusCode >= 300) non2xx++;
  }
  const elapsed = (performance.now() - started) / 1000;
  await dispatcher.close();
  samples.sort((a, b) => a - b);
  const pct = (p: number): number => Number((samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0).toFixed(3));
  return {
    target,
    connections: 1,
    requestsPerSec: Math.round(samples.length / elapsed),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors: 0,
    non2xx,
  };
}

/** Starts a child process and resolves with the first match of `pattern` in its stdout. */
async function startProcess(
  args: string[],
  pattern: RegExp,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${String(pattern)} from ${args.join(' ')}:\n${output}`)),
      60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const m = pattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
  });
  return { child, match, output: () => output };
}

// Upstream, gateway and load generator each get their own process, as in production; the gateway
// runs the compiled build (`npm run bench` builds first).
const children: ChildProcess[] = [];
// Never leave servers behind, whatever happens to this process.
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
process.on('uncaughtException', (err) => {
  console.error(err);
  process.exit(1);
});
const orders = await startProcess(['examples/orders/server.mjs'], /listening on (http:\/\/\S+)/, { PORT: '0' });
const ordersUrl = (orders.match[1] ?? '').replace(/\/$/, '');
const dataDir = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
const configFile = join(dataDir, 'toolgate.yaml');
writeFileSync(
  configFile,
  [
    'server:',
    '  port: 0',
    `dataDir: ${JSON.stringify(join(dataDir, 'data'))}`,
    'logLevel: warn',
    'limits:',
    '  callsPerMinutePerPrincipal: 1000000000',
    'plugins:',
    '  - name: orders',
    `    source: ${JSON.stringify(join(root, 'examples/orders/openapi.yaml'))}`,
    `    baseUrl: ${JSON.stringify(ordersUrl)}`,
    '    allowPrivateNetwork: true',
  ].join('\n'),
);
const gateway = await startProcess(['packages/server/bin/toolgate.js', 'serve', '--config', configFile], /export TOOLGATE_API_KEY=(\S+)/);
const gatewayUrl = /Toolgate is running at (\S+)/.exec(gateway.output())?.[1] ?? '';
const key = gateway.match[1] ?? '';
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const granted = await fetch(`${gatewayUrl}/v1/admin/grants`, {
  method: 'POST',
  headers,
  body: JSON.stringify({ subject: 'role:admin', target: 'plugin:orders' }),
});
if (granted.status !== 201) throw new Error(`grant failed: ${await granted.text()}`);

const invoke = { method: 'POST' as const, headers, body: JSON.stringify({ arguments: { orderId: 'ord_1001' } }) };
const directUrl = `${ordersUrl}/orders/ord_1001`;
const invokeUrl = `${gatewayUrl}/v1/tools/orders__get_order/invoke`;
// Warm up connections, JIT and the validator cache before measuring.
await sequential('warm-up', invokeUrl, invoke, 1);
await sequential('warm-up', directUrl, {}, 1);
const rows: Row[] = [
  await sequential('direct GET /orders/ord_1001', directUrl, {}),
  await sequential('gateway invoke orders__get_order', invokeUrl, invoke),
  await run('direct GET /orders/ord_1001', directUrl, 32, {}),
  await run('gateway invoke orders__get_order', invokeUrl, 32, invoke),
];
gateway.child.kill('SIGTERM');
orders.child.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
console.log(`\n${pad('target', 36)}${pad('conns', 7)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}errors/non2xx`);
for (const r of rows)
  console.log(
    `${pad(r.target, 36)}${pad(r.connections, 7)}${pad(r.requestsPerSec, 9)}${pad(r.p50Ms, 9)}${pad(r.p99Ms, 9)}${r.errors}/${r.non2xx}`,
  );
const summary = [1, 32].map((c) => {
  const direct = rows.find((r) => r.connections === c && r.target.startsWith('direct'));
  const gateway = rows.find((r) => r.connections === c && r.target.startsWith('gateway'));
  if (!direct || !gateway) throw new Error('missing rows');
  return {
    connections: c,
    throughputRatio: Number((gateway.requestsPerSec / direct.requestsPerSec).toFixed(3)),
    addedP50Ms: Number((gateway.p50Ms - direct.p50Ms).toFixed(3)),
    addedP99Ms: Number((gateway.p99Ms - direct.p99Ms).toFixed(3)),
  };
});
for (const s of summary) {
  console.log(
    `at ${s.connections} connection(s): gateway/direct throughput ${s.throughputRatio}, added p50 ${s.addedP50Ms} ms, added p99 ${s.addedP99Ms} ms`,
  );
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `invoke-overhead-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ seconds, node: process.version, rows, summary }, null, 2));
console.log(`\nwrote ${out}`);
