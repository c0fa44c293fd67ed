import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startConformanceGateway } from './conformance-gateway.js';
import { listServerScenarios, resolveSuiteNode, runSuite } from './conformance-suite.js';
import { startConformanceToolsServer } from './conformance-tools-server.js';
import { judgeScenarios, parseExpectedFailures, type JudgedScenario, type ScenarioResult } from './conformance-verdict.js';

export const EXPECTED_FAILURES = fileURLToPath(new URL('./expected-failures.yaml', import.meta.url));
// The whole run takes seconds; this bounds a hung scenario (the suite's own requests wait up to 60 s each).
const RUN_TIMEOUT_MS = 300_000;
const MARK: Record<JudgedScenario['outcome'], string> = {
  passed: '✓',
  'expected-failure': '~',
  'unexpected-failure': '✗',
  'unexpected-pass': '!',
};

type Print = (line: string) => void;

/**
 * `scripts/conformance.ts`: runs the suite's server scenarios against the gateway's `/mcp/conformance`
 * (or, with `--direct`, against the fixture alone) and compares them with the expected-failures file.
 * Returns the exit code: 1 on an unexpected failure, an unexpected pass, or a run that broke.
 */
export async function conformanceCli(argv: readonly string[], out: Print, err: Print, signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenario: { type: 'string', multiple: true },
      direct: { type: 'boolean', default: false },
      'expected-failures': { type: 'string', default: EXPECTED_FAILURES },
      'timeout-ms': { type: 'string', default: String(RUN_TIMEOUT_MS) },
      // Keeps the suite's checks.json files there (by default they go to a temporary folder, removed after).
      'results-dir': { type: 'string' },
    },
  });
  const expected = parseExpectedFailures(readFileSync(values['expected-failures'], 'utf8'));
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    err(`--timeout-ms must be a whole number of milliseconds, not ${values['timeout-ms']}`);
    return 1;
  }
  const deadline = Date.now() + timeoutMs;

  const node = await resolveSuiteNode();
  const suite = await listServerScenarios(node);
  const unknown = [...(values.scenario ?? []), ...(values.scenario === undefined ? expected.keys() : [])].filter(
    (s) => !suite.scenarios.includes(s),
  );
  if (unknown.length > 0) {
    err(`Unknown scenario(s) for conformance ${suite.version}: ${unknown.join(', ')}. Known: ${suite.scenarios.join(', ')}`);
    return 1;
  }
  const selected = values.scenario ?? suite.scenarios;
  // Against the fixture alone nothing is expected to fail or pass: the run is for comparison only.
  const baseline = values.direct ? new Map<string, string>() : expected;

  const started = Date.now();
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const fixture = await startConformanceToolsServer();
    cleanups.push(() => fixture.close());
    let url = fixture.url;
    if (!values.direct) {
      const gateway = await startConformanceGateway(fixture.url);
      cleanups.push(() => gateway.close());
      url = gateway.endpoint;
      const missing = await endpointMissing(url);
      if (missing !== undefined) {
        err(missing);
        return 1;
      }
    }
    if (signal.aborted) {
      err('Interrupted.');
      return 1;
    }
    const kept = values['results-dir'];
    if (kept !== undefined) mkdirSync(kept, { recursive: true });
    // A fresh folder each run: the suite's results are found by scenario name, so old ones must not mix in.
    const outputDir = mkdtempSync(kept === undefined ? join(tmpdir(), 'toolgate-conformance-results-') : join(resolve(kept), 'run-'));
    if (kept === undefined) cleanups.push(() => rmSync(outputDir, { recursive: true, force: true }));
    else out(`Results: ${outputDir}`);

    const against = values.direct ? 'the fixture alone' : 'the gateway';
    out(`MCP conformance ${suite.version}: ${selected.length} server scenarios against ${against} (${url})`);
    const results = await runSuite({
      node,
      url,
      scenarios: values.scenario ?? 'all',
      known: suite.scenarios,
      outputDir,
      timeoutMs: Math.max(1, deadline - Date.now()),
      signal,
    });
    if (signal.aborted) {
      err('Interrupted.');
      return 1;
    }
    const judged = judgeScenarios(results, baseline);
    for (const j of judged) out(`  ${MARK[j.outcome]} ${j.scenario}${j.detail === '' ? '' : `  ${j.detail}`}`);
    const unexpected = summarize(results, judged, Date.now() - started, out);
    if (values.direct) return 0;
    if (judged.some((j) => j.outcome === 'unexpected-pass'))
      out('A scenario listed in expected-failures.yaml passes now: remove its entry.');
    if (judged.some((j) => j.outcome === 'unexpected-failure')) {
      out('A scenario failed that expected-failures.yaml does not list: fix it, or list it with its reason.');
    }
    return unexpected === 0 ? 0 : 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Prints the counts; returns how many scenarios were a surprise (an unexpected failure or pass). */
function summarize(results: readonly ScenarioResult[], judged: readonly JudgedScenario[], ms: number, out: Print): number {
  const count = (outcome: JudgedScenario['outcome']): number => judged.filter((j) => j.outcome === outcome).length;
  const checks = results.flatMap((r) => r.checks);
  const checkCount = (status: string): number => checks.filter((c) => c.status === status).length;
  out('');
  out(
    `Scenarios: ${results.length} run, ${count('passed')} passed, ${count('expected-failure')} expected failures, ` +
      `${count('unexpected-failure')} unexpected failures, ${count('unexpected-pass')} unexpected passes ` +
      `(checks: ${checkCount('SUCCESS')} succeeded, ${checkCount('FAILURE')} failed, ${checkCount('WARNING')} warnings; ${(ms / 1000).toFixed(1)} s)`,
  );
  return count('unexpected-failure') + count('unexpected-pass');
}

/** A clear message when the gateway has no `/mcp/{plugin}` endpoint, instead of every scenario failing alike. */
async function endpointMissing(url: string): Promise<string | undefined> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'toolgate-conformance-preflight', version: '1.0.0' } },
    }),
  });
  await res.body?.cancel();
  const session = res.headers.get('mcp-session-id');
  if (session !== null) await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': session } }).then((r) => r.body?.cancel());
  return res.status === 404 ? `The gateway answered 404 at ${url}: it does not serve /mcp/{plugin} (yet).` : undefined;
}
