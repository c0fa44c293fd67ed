/**
 * Benchmark (not a test): what a fully governed tool call costs, against the same call made directly,
 * through an ungoverned pass-through proxy (the floor), and through mcp-proxy (the ungoverned MCP bridge).
 *
 * Every server is its own process on loopback, as in production: the echo HTTP API and the stdio MCP
 * echo server (bench/upstreams/), the gateway from the compiled build with a fresh data directory,
 * the pass-through proxy, mcp-proxy, and this process, the load generator. The gateway runs the whole
 * pipeline: API-key authentication, schema validation, a grant, one conditional Cedar policy on each
 * bench tool, rate limits (high but on), the output filters, and an audit record per call. Then the
 * same call is measured with 10, 1,000 and 10,000 tools registered, and so are full tool listings.
 *
 *   npm run bench                                   # builds first; 8 s per run
 *   BENCH_SECONDS=3 npx tsx bench/governed-call.ts  # quicker, after `npm run build`
 *
 * Prints a table and writes JSON to bench/results/governed-call-<timestamp>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { echoSpec } from './lib/echo-spec.js';
import { concurrent, percentile, round3, sequential, type Call, type Measured } from './lib/measure.js';
import { mcpHeaders, parseMcpAnswer, toolResult, toolsCallBody, toolsListBody } from './lib/mcp-messages.js';
import { childrenOf, freePort, killAllNow, memoryOf, startNode, stop, type Memory, type Started } from './lib/processes.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const WARMUP_SECONDS = 1;
/**
 * V8 optimizes a server's hot path over its first thousands of calls: the gateway's CPU per call at one
 * client falls from ~2.6 ms to ~0.75 ms over its first ~10 s. Every target is primed alike before
 * anything is measured, so the table compares steady states, not JIT warm-up.
 */
const PRIME_SECONDS = Number(process.env['BENCH_PRIME_SECONDS'] ?? 8);
const CLIENTS = 32;
const SCALES = [10, 1000, 10_000] as const;
const FILLER_OPERATIONS = 100;
const ITEM_ID = 'item-1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = ['--import', 'tsx'];
// One conditional policy per bench tool: it matches every measured call, so Cedar runs on each of them.
const POLICY = 'permit(principal, action, resource) when { context.args.id != "blocked" };';

// Never leave servers behind, whatever happens to this process.
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

interface Target {
  readonly key: string;
  readonly label: string;
  readonly call: Call;
  /** The process serving the target, whose memory is reported. */
  readonly servedBy: () => number;
  /** Throws unless one answer has the right content. */
  readonly validate: (status: number, body: string) => void;
  /** The row whose latency this one adds to (same upstream, fewer hops). */
  readonly baseline?: string;
  readonly gateway: boolean;
}

interface Row extends Measured {
  readonly key: string;
  readonly label: string;
  readonly addedP50Ms?: number;
  readonly addedP99Ms?: number;
  readonly baseline?: string;
  readonly memory: Memory;
  /** The stdio MCP server behind the serving process, if any. */
  readonly upstreamChildMemory?: Memory;
}

async function send(call: Call): Promise<{ status: number; body: string }> {
  const res = await fetch(call.url, { method: call.method, headers: call.headers, body: call.body });
  return { status: res.status, body: await res.text() };
}

/** Gateway calls made by the bench, so the audit log can be checked to hold at least as many records. */
let gatewayCalls = 0;

async function validateOnce(target: Target): Promise<void> {
  const { status, body } = await send(target.call);
  if (target.gateway) gatewayCalls++;
  try {
    target.validate(status, body);
  } catch (err) {
    throw new Error(`${target.label}: wrong answer (HTTP ${status}): ${(err as Error).message}`);
  }
}

function mcpCall(url: string, tool: string, headers: Record<string, string> = {}): Call {
  return { url, method: 'POST', headers: mcpHeaders(headers), body: toolsCallBody(tool, { id: ITEM_ID }) };
}

async function waitFor(ready: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function expectItem(value: unknown): void {
  const id = (value as { id?: unknown } | undefined)?.id;
  if (id !== ITEM_ID) throw new Error(`expected item ${ITEM_ID}, got ${JSON.stringify(value)?.slice(0, 300)}`);
}

const expectJsonItem = (status: number, body: string): void => {
  if (status !== 200) throw new Error(body.slice(0, 300));
  expectItem(JSON.parse(body));
};
const expectInvokeItem = (status: number, body: string): void => {
  if (status !== 200) throw new Error(body.slice(0, 300));
  const answer = JSON.parse(body) as { isError?: boolean; content?: unknown };
  if (answer.isError !== false) throw new Error(body.slice(0, 300));
  expectItem(answer.content);
};
const expectMcpItem = (status: number, body: string): void => {
  if (status !== 200) throw new Error(body.slice(0, 300));
  expectItem(toolResult(body)['structuredContent']);
};

function memoryRow(target: Target): Pick<Row, 'memory' | 'upstreamChildMemory'> {
  const pid = target.servedBy();
  // The stdio MCP server is part of what serves an MCP-upstream target; reported on its own.
  const child = target.key === 'mcp-stdio' || target.key === 'mcp-proxy' ? childrenOf(pid)[0] : undefined;
  return { memory: memoryOf(pid), ...(child !== undefined ? { upstreamChildMemory: memoryOf(child) } : {}) };
}

/** Warm-up, a checked answer, the measured run; at one client (sequential loop) and at CLIENTS (autocannon). */
async function measureTarget(target: Target, clients: 1 | typeof CLIENTS): Promise<Row> {
  const count = (m: Measured): Measured => {
    if (target.gateway) gatewayCalls += m.calls;
    return m;
  };
  const run = (seconds: number): Promise<Measured> =>
    clients === 1 ? sequential(target.call, seconds) : concurrent(target.call, clients, seconds);
  count(await run(WARMUP_SECONDS));
  await validateOnce(target);
  const measured = count(await run(SECONDS));
  await validateOnce(target);
  if (measured.errors > 0 || measured.non2xx > 0) {
    console.warn(`!! ${target.label} at ${clients}: ${measured.errors} errors, ${measured.non2xx} non-2xx answers`);
  }
  console.log(`   ${target.label} @${clients}: ${measured.callsPerSec}/s p50 ${measured.p50Ms} ms p99 ${measured.p99Ms} ms`);
  return { key: target.key, label: target.label, ...measured, ...memoryRow(target) };
}

/** Fills in the latency each row adds over its baseline row at the same number of clients. */
function withAdded(rows: Row[]): Row[] {
  return rows.map((row) => {
    const target = targetsByKey.get(row.key);
    const base = rows.find((r) => r.key === target?.baseline && r.clients === row.clients);
    if (!base) return row;
    return { ...row, baseline: base.key, addedP50Ms: round3(row.p50Ms - base.p50Ms), addedP99Ms: round3(row.p99Ms - base.p99Ms) };
  });
}
const targetsByKey = new Map<string, Target>();
const tempDirs: string[] = [];

// Large imports answer only when done: wait as long as they take.
const patient = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** A small client of the gateway's admin API. */
function adminClient(gatewayUrl: string, key: string) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, expect = [200, 201]): Promise<T> => {
    const res = await request(`${gatewayUrl}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: patient,
    });
    const text = await res.body.text();
    if (!expect.includes(res.statusCode)) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 1000)}`);
    return JSON.parse(text) as T;
  };
}

/** Output-filter settings for whatever filters this build's config schema has (the guard is being added). */
async function outputFilterConfig(): Promise<Record<string, unknown>> {
  const { ConfigSchema } = (await import(join(ROOT, 'packages/server/dist/config/config-schema.js'))) as {
    ConfigSchema: { properties: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
  };
  const guard = ConfigSchema.properties['guard']?.properties;
  if (guard === undefined) return {};
  // Every mode the filter has, at its strictest setting that still answers (redact rather than off).
  const settings: Record<string, string> = {};
  for (const [field, schema] of Object.entries(guard)) if (schema.enum?.includes('redact')) settings[field] = 'redact';
  return { guard: settings };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  console.log(`governed-call benchmark: ${SECONDS} s per run, ${cpus().length} cores, node ${process.version}`);

  // Upstreams and the two ungoverned proxies.
  const echo = await startNode(ROOT, [...TSX, 'bench/upstreams/echo-api.ts'], /listening on (http:\/\/\S+)/, { PORT: '0' });
  const echoUrl = echo.match[1] ?? '';
  const floor = await startNode(ROOT, [...TSX, 'bench/upstreams/passthrough-proxy.ts'], /listening on (http:\/\/\S+)/, {
    PORT: '0',
    UPSTREAM: echoUrl,
  });
  const floorUrl = (floor.match[1] ?? '').replace(/\/$/, '');
  const proxyPort = await freePort();
  const mcpProxy = await startNode(
    ROOT,
    [
      ...['node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs', '--port', String(proxyPort), '--host', '127.0.0.1'],
      ...['--server', 'stream', '--stateless', '--', process.execPath, ...TSX, 'bench/upstreams/echo-mcp.ts'],
    ],
    /starting server on port/,
  );
  const mcpProxyUrl = `http://127.0.0.1:${proxyPort}/mcp`;
  // mcp-proxy says it starts before it listens: it first starts its stdio server.
  await waitFor(async () => (await send(mcpCall(mcpProxyUrl, 'echo'))).status === 200, 'mcp-proxy to answer');

  // The gateway: compiled build, fresh data directory, full pipeline.
  const dataDir = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
  tempDirs.push(dataDir);
  const configFile = join(dataDir, 'toolgate.yaml');
  const outputFilters = await outputFilterConfig();
  const huge = 1_000_000_000;
  const config = {
    server: { host: '127.0.0.1', port: 0 },
    dataDir: join(dataDir, 'data'),
    logLevel: 'warn',
    limits: { rate: { global: huge, perPlugin: huge, perPrincipal: huge, perPrincipalTool: huge } },
    mcp: { allowStdio: true },
    ...outputFilters,
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
  const gateway: Started = await startNode(
    ROOT,
    ['packages/server/bin/toolgate.js', 'serve', '--config', configFile],
    /export TOOLGATE_API_KEY=(\S+)/,
  );
  const gatewayUrl = /Toolgate is running at (\S+)/.exec(gateway.output())?.[1] ?? '';
  const admin = adminClient(gatewayUrl, gateway.match[1] ?? '');

  // Plugins: the echo API (10 operations) and the stdio MCP echo server, the one mcp-proxy fronts too.
  const imports: { plugin: string; tools: number; ms: number }[] = [];
  const importPlugin = async (name: string, operations: number, log = true): Promise<string> => {
    const t0 = performance.now();
    const answer = await admin<{ tools: { name: string; status: string }[] }>('POST', '/v1/admin/plugins', {
      name,
      source: `bench/echo-${operations}.json`,
      spec: echoSpec(operations),
      baseUrl: echoUrl,
      allowPrivateNetwork: true,
    });
    const ms = Math.round(performance.now() - t0);
    imports.push({ plugin: name, tools: answer.tools.length, ms });
    if (log) console.log(`   imported ${name}: ${answer.tools.length} tools in ${ms} ms`);
    const tool = answer.tools.find((t) => t.name === `${name}__get_item_0`);
    if (tool?.status !== 'active')
      throw new Error(`${name}__get_item_0 is not active: ${JSON.stringify(tool ?? answer.tools.slice(0, 3))}`);
    return tool.name;
  };
  const restTool = await importPlugin('echo', SCALES[0]);
  const mcpImport = await admin<{ tools: { name: string; status: string }[] }>('POST', '/v1/admin/plugins', {
    name: 'mcpecho',
    mcp: { transport: 'stdio', command: process.execPath, args: [...TSX, join(ROOT, 'bench/upstreams/echo-mcp.ts')], cwd: ROOT },
  });
  const mcpTool = mcpImport.tools[0]?.name ?? '';
  if (mcpImport.tools[0]?.status !== 'active') throw new Error(`MCP tool not active: ${JSON.stringify(mcpImport.tools)}`);

  // The load runs as a non-admin principal with its own key and grants, never as the admin.
  await admin('POST', '/v1/admin/principals', { name: 'bench', kind: 'service' });
  const { key } = await admin<{ key: string }>('POST', '/v1/admin/keys', { principal: 'bench', name: 'bench load' });
  const grantAndPolicy = async (plugin: string, tool: string): Promise<void> => {
    await admin('POST', '/v1/admin/grants', { subject: 'principal:bench', target: `plugin:${plugin}` });
    await admin('POST', '/v1/admin/policies', { name: `bench-${plugin}`, tool, cedar: POLICY });
  };
  await grantAndPolicy('echo', restTool);
  await grantAndPolicy('mcpecho', mcpTool);

  const auth = { authorization: `Bearer ${key}` };
  const invokeCall = (tool: string): Call => ({
    url: `${gatewayUrl}/v1/tools/${tool}/invoke`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ arguments: { id: ITEM_ID } }),
  });

  // The policy is really evaluated: the same calls with id "blocked" are refused, on both surfaces.
  const blockedRest = await send({ ...invokeCall(restTool), body: JSON.stringify({ arguments: { id: 'blocked' } }) });
  if (blockedRest.status !== 403 || !blockedRest.body.includes('POLICY_DENIED')) {
    throw new Error(`a blocked REST call was not denied by the policy: ${blockedRest.status} ${blockedRest.body}`);
  }
  const blockedMcp = await send({ ...mcpCall(`${gatewayUrl}/mcp`, mcpTool, auth), body: toolsCallBody(mcpTool, { id: 'blocked' }) });
  if (!blockedMcp.body.includes('POLICY_DENIED')) throw new Error(`a blocked MCP call was not denied by the policy: ${blockedMcp.body}`);
  console.log('   policy check: id "blocked" is denied (POLICY_DENIED) on REST and MCP');

  const targets: Target[] = [
    {
      key: 'direct',
      label: '(a) direct GET echo API',
      call: { url: `${echoUrl.replace(/\/$/, '')}/t0/items/${ITEM_ID}`, method: 'GET' },
      servedBy: () => echo.pid,
      validate: expectJsonItem,
      gateway: false,
    },
    {
      key: 'floor',
      label: '(floor) pass-through proxy',
      call: { url: `${floorUrl}/t0/items/${ITEM_ID}`, method: 'GET' },
      servedBy: () => floor.pid,
      validate: expectJsonItem,
      baseline: 'direct',
      gateway: false,
    },
    {
      key: 'rest',
      label: '(b) gateway REST invoke',
      call: invokeCall(restTool),
      servedBy: () => gateway.pid,
      validate: expectInvokeItem,
      baseline: 'direct',
      gateway: true,
    },
    {
      key: 'mcp-http',
      label: '(c2) gateway MCP call, HTTP tool',
      call: mcpCall(`${gatewayUrl}/mcp`, restTool, auth),
      servedBy: () => gateway.pid,
      validate: expectMcpItem,
      baseline: 'direct',
      gateway: true,
    },
    {
      key: 'mcp-proxy',
      label: '(d) mcp-proxy call, stdio MCP',
      call: mcpCall(mcpProxyUrl, 'echo'),
      servedBy: () => mcpProxy.pid,
      validate: expectMcpItem,
      gateway: false,
    },
    {
      key: 'mcp-stdio',
      label: '(c) gateway MCP call, stdio MCP',
      call: mcpCall(`${gatewayUrl}/mcp`, mcpTool, auth),
      servedBy: () => gateway.pid,
      validate: expectMcpItem,
      baseline: 'mcp-proxy',
      gateway: true,
    },
  ];
  for (const t of targets) targetsByKey.set(t.key, t);

  const auditSeq = async (): Promise<number> =>
    (await admin<{ events: { seq: number }[] }>('GET', '/v1/admin/audit?limit=1')).events[0]?.seq ?? 0;
  const seqBefore = await auditSeq();
  gatewayCalls = 0;
  const measured: Row[] = [];
  for (const target of targets) {
    const primed = await concurrent(target.call, CLIENTS, PRIME_SECONDS);
    if (target.gateway) gatewayCalls += primed.calls;
    console.log(`   primed ${target.label}: ${primed.calls} calls in ${PRIME_SECONDS} s`);
  }
  for (const clients of [1, CLIENTS] as const) {
    for (const target of targets) measured.push(await measureTarget(target, clients));
  }
  const rows = withAdded(measured);
  const mainAudit = { callsMade: gatewayCalls, recordsAdded: (await auditSeq()) - seqBefore, ok: false };
  mainAudit.ok = mainAudit.recordsAdded >= mainAudit.callsMade;
  console.log(`   audit: ${mainAudit.recordsAdded} records added for ${mainAudit.callsMade} gateway calls`);

  // Scale: the same governed call with 10, 1,000 and 10,000 tools registered (one plugin of that size).
  const scale: {
    tools: number;
    registered: number;
    tool: string;
    importedAs: string;
    importMs: number;
    rest: Measured;
    mcp: Measured;
    gatewayMemory: Memory;
  }[] = [];
  let listing: Record<string, unknown> | undefined;
  const scaleSeqBefore = await auditSeq();
  gatewayCalls = 0;
  let tool = restTool;
  for (const tools of SCALES) {
    let importMs = imports[0]?.ms ?? NaN;
    let importedAs = `one plugin of ${tools} operations`;
    if (tools === SCALES[1]) {
      // One spec of 1,000 operations: its import time is what an admin importing a large API waits.
      const plugin = `scale${tools}`;
      tool = await importPlugin(plugin, tools);
      importMs = imports.at(-1)?.ms ?? NaN;
      await grantAndPolicy(plugin, tool);
    } else if (tools === SCALES[2]) {
      // The rest come as plugins of FILLER_OPERATIONS each, as a catalog of many APIs would. The bench
      // tool stays the 1,000-tool plugin's, so only the catalog around it grows.
      const fillers = (SCALES[2] - SCALES[1]) / FILLER_OPERATIONS;
      const t0 = performance.now();
      for (let i = 0; i < fillers; i++) {
        const plugin = `fill${i}`;
        await importPlugin(plugin, FILLER_OPERATIONS, false);
        await admin('POST', '/v1/admin/grants', { subject: 'principal:bench', target: `plugin:${plugin}` });
      }
      importMs = Math.round(performance.now() - t0);
      importedAs = `the ${SCALES[1]}-tool plugin + ${fillers} plugins of ${FILLER_OPERATIONS} operations`;
      console.log(`   imported ${fillers} plugins of ${FILLER_OPERATIONS} tools in ${importMs} ms`);
    }
    const registered = (await (await fetch(`${gatewayUrl}/healthz`)).json()) as { tools: number };
    const restTarget: Target = { ...targets[2]!, key: 'rest', call: invokeCall(tool) };
    const mcpTarget: Target = { ...targets[3]!, key: 'mcp-http', call: mcpCall(`${gatewayUrl}/mcp`, tool, auth) };
    const rest = await measureTarget({ ...restTarget, label: `gateway REST invoke, ${tools} tools` }, 1);
    const mcp = await measureTarget({ ...mcpTarget, label: `gateway MCP tools/call, ${tools} tools` }, 1);
    scale.push({ tools, registered: registered.tools, tool, importedAs, importMs, rest, mcp, gatewayMemory: memoryOf(gateway.pid) });
    if (tools === SCALES.at(-1)) listing = await measureListings(gatewayUrl, auth);
  }
  const scaleAudit = { callsMade: gatewayCalls, recordsAdded: (await auditSeq()) - scaleSeqBefore, ok: false };
  scaleAudit.ok = scaleAudit.recordsAdded >= scaleAudit.callsMade;
  console.log(`   audit (scale runs): ${scaleAudit.recordsAdded} records added for ${scaleAudit.callsMade} gateway calls`);

  for (const server of [gateway, mcpProxy, floor, echo]) await stop(server.child);

  const find = (key: string, clients: number): Row => {
    const row = rows.find((r) => r.key === key && r.clients === clients);
    if (!row) throw new Error(`no row ${key} @${clients}`);
    return row;
  };
  const first = scale[0]!;
  const last = scale.at(-1)!;
  const verdicts = {
    restThroughputVsDirectAt32: verdict(find('rest', CLIENTS).callsPerSec / find('direct', CLIENTS).callsPerSec, '>=', 0.5),
    restAddedP50MsAt1: verdict(find('rest', 1).addedP50Ms ?? NaN, '<=', 1),
    mcpThroughputVsMcpProxyAt32: verdict(find('mcp-stdio', CLIENTS).callsPerSec / find('mcp-proxy', CLIENTS).callsPerSec, '>=', 1),
    restP50At10kVs10Tools: verdict(last.rest.p50Ms / first.rest.p50Ms, '<=', 1.1),
    mcpP50At10kVs10Tools: verdict(last.mcp.p50Ms / first.mcp.p50Ms, '<=', 1.1),
    auditCoversEveryCall: { value: mainAudit.ok && scaleAudit.ok, pass: mainAudit.ok && scaleAudit.ok },
  };

  printTable(rows);
  console.log(
    `\n${'scale (1 client)'.padEnd(18)}${'registered'.padEnd(12)}${'import ms'.padEnd(11)}REST calls/s  p50 / p99 ms     MCP calls/s  p50 / p99 ms     gateway RSS MB`,
  );
  for (const s of scale) {
    console.log(
      `${String(s.tools).padEnd(18)}${String(s.registered).padEnd(12)}${String(s.importMs).padEnd(11)}` +
        `${String(s.rest.callsPerSec).padEnd(14)}${`${s.rest.p50Ms} / ${s.rest.p99Ms}`.padEnd(17)}` +
        `${String(s.mcp.callsPerSec).padEnd(13)}${`${s.mcp.p50Ms} / ${s.mcp.p99Ms}`.padEnd(17)}${s.gatewayMemory.rssMb}  (${s.importedAs})`,
    );
  }
  if (listing) console.log(`\nlistings at ${SCALES.at(-1)} tools: ${JSON.stringify(listing)}`);
  console.log(`\naudit: main runs ${JSON.stringify(mainAudit)}, scale runs ${JSON.stringify(scaleAudit)}`);
  console.log('\nverdicts:');
  for (const [name, v] of Object.entries(verdicts)) console.log(`  ${v.pass ? 'PASS' : 'FAIL'}  ${name}: ${JSON.stringify(v)}`);

  const cpu = cpus();
  const result = {
    benchmark: 'governed-call',
    startedAt: startedAt.toISOString(),
    secondsPerRun: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    machine: { cores: cpu.length, cpuModel: cpu[0]?.model, node: process.version, totalMemMb: Math.round(totalmem() / 2 ** 20) },
    loadAverage: { before: loadBefore, after: loadavg() },
    gatewayConfig: config,
    policy: POLICY,
    rows,
    scale,
    listing,
    imports,
    audit: { main: mainAudit, scale: scaleAudit },
    verdicts,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, 'bench/results', `governed-call-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`\nwrote ${out}`);
}

function verdict(value: number, op: '>=' | '<=', target: number): { value: number; target: string; pass: boolean } {
  return { value: round3(value), target: `${op} ${target}`, pass: op === '>=' ? value >= target : value <= target };
}

/** Full tools/list listings over MCP (every page) and GET /v1/tools, for as long as one run lasts. */
async function measureListings(gatewayUrl: string, auth: Record<string, string>): Promise<Record<string, unknown>> {
  const listingMs: number[] = [];
  const pageMs: number[] = [];
  let tools = 0;
  let pages = 0;
  const deadline = performance.now() + SECONDS * 1000;
  do {
    const t0 = performance.now();
    let cursor: string | undefined;
    tools = 0;
    pages = 0;
    do {
      const p0 = performance.now();
      const { status, body } = await send({
        url: `${gatewayUrl}/mcp`,
        method: 'POST',
        headers: mcpHeaders(auth),
        body: toolsListBody(cursor),
      });
      pageMs.push(performance.now() - p0);
      const result = parseMcpAnswer(body).result as { tools?: unknown[]; nextCursor?: string } | undefined;
      if (status !== 200 || result?.tools === undefined) throw new Error(`tools/list failed: ${status} ${body.slice(0, 300)}`);
      tools += result.tools.length;
      pages++;
      cursor = result.nextCursor;
    } while (cursor !== undefined);
    listingMs.push(performance.now() - t0);
  } while (performance.now() < deadline || listingMs.length < 2);
  const restMs: number[] = [];
  let restTools = 0;
  let restBytes = 0;
  const restDeadline = performance.now() + (SECONDS * 1000) / 2;
  do {
    const t0 = performance.now();
    const { status, body } = await send({ url: `${gatewayUrl}/v1/tools`, method: 'GET', headers: auth });
    restMs.push(performance.now() - t0);
    if (status !== 200) throw new Error(`GET /v1/tools failed: ${status} ${body.slice(0, 300)}`);
    restTools = (JSON.parse(body) as { tools: unknown[] }).tools.length;
    restBytes = body.length;
  } while (performance.now() < restDeadline || restMs.length < 3);
  const median = (xs: number[]): number =>
    round3(
      percentile(
        [...xs].sort((a, b) => a - b),
        0.5,
      ),
    );
  return {
    mcpToolsList: {
      tools,
      pages,
      listings: listingMs.length,
      fullListingP50Ms: median(listingMs),
      pageP50Ms: median(pageMs),
      pageMaxMs: round3(Math.max(...pageMs)),
    },
    restGetTools: {
      tools: restTools,
      bytes: restBytes,
      requests: restMs.length,
      p50Ms: median(restMs),
      maxMs: round3(Math.max(...restMs)),
    },
  };
}

function printTable(rows: Row[]): void {
  const cols: [string, number][] = [
    ['target', 34],
    ['clients', 9],
    ['calls/s', 9],
    ['p50 ms', 9],
    ['p99 ms', 9],
    ['+p50', 9],
    ['+p99', 9],
    ['vs', 11],
    ['err/non2xx', 12],
    ['RSS MB', 8],
    ['peak MB', 8],
  ];
  const line = (cells: (string | number | undefined)[]): string => cells.map((c, i) => String(c ?? '').padEnd(cols[i]![1])).join('');
  console.log(`\n${line(cols.map((c) => c[0]))}`);
  for (const r of rows) {
    console.log(
      line([
        r.label,
        r.clients,
        r.callsPerSec,
        r.p50Ms,
        r.p99Ms,
        r.addedP50Ms,
        r.addedP99Ms,
        r.baseline,
        `${r.errors}/${r.non2xx}`,
        r.memory.rssMb,
        r.memory.hwmMb,
      ]),
    );
  }
  console.log(
    '(+p50/+p99: latency added over the row named in "vs" at the same clients; RSS/peak: the serving process, read after the run)',
  );
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await patient.close();
  killAllNow();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
