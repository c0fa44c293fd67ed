/**
 * Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, a root devDependency) in
 * a child process bounded by a deadline. The suite needs Node ≥ 22 while the project runs on Node 20:
 * the `node` package from npm supplies it for this one command.
 */
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ConformanceCheck, ScenarioResult } from './conformance-verdict.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SUITE_ENTRY = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
// Enough of a child's output to say why it produced no results.
const OUTPUT_TAIL_CHARS = 4_000;

/** A Node ≥ 22 binary: this one if it qualifies, else `node@22` from npm (fetched once into npx's cache). */
export async function resolveSuiteNode(): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const { stdout } = await run('npx', ['-y', '-p', 'node@22', '--', 'node', '-e', 'process.stdout.write(process.execPath)'], {
    cwd: REPO_ROOT,
    timeout: 180_000,
  });
  if (stdout.trim() === '') throw new Error('npx -p node@22 did not name a node binary');
  return stdout.trim();
}

/** The suite's version and every server scenario it knows (`conformance list --server`), pending ones included. */
export async function listServerScenarios(node: string): Promise<{ version: string; scenarios: string[] }> {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules/@modelcontextprotocol/conformance/package.json'), 'utf8')) as {
    version: string;
  };
  const { stdout } = await run(node, [SUITE_ENTRY, 'list', '--server'], { timeout: 30_000 });
  const scenarios = [...stdout.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1] as string);
  if (scenarios.length === 0) throw new Error(`the suite listed no server scenarios:\n${stdout}`);
  return { version: manifest.version, scenarios };
}

export interface SuiteRun {
  readonly node: string;
  readonly url: string;
  /** The scenarios to run; all of the suite's (`--suite all`) in one process, else one process each. */
  readonly scenarios: readonly string[] | 'all';
  /** Every scenario the suite knows, in its order (for `'all'`). */
  readonly known: readonly string[];
  readonly outputDir: string;
  /** For the whole run: a scenario still running then is killed and reported as timed out, with those after it. */
  readonly timeoutMs: number;
  /** Aborting kills the suite at once (the script was interrupted). */
  readonly signal: AbortSignal;
}

/**
 * Runs the scenarios and reads the checks each one saved. One process for the whole suite, because
 * the suite's start-up (~1.5 s here) would otherwise dominate; it saves each scenario's checks as it
 * finishes, so a run killed at the deadline still reports the finished ones. A scenario that saved
 * nothing becomes one FAILURE check saying why, with the tail of the suite's output.
 */
export async function runSuite(run: SuiteRun): Promise<ScenarioResult[]> {
  const deadline = Date.now() + run.timeoutMs;
  const batches =
    run.scenarios === 'all'
      ? [{ args: ['--suite', 'all'], covers: run.known }]
      : run.scenarios.map((s) => ({ args: ['--scenario', s], covers: [s] }));
  const notes = new Map<string, { trouble: string; output: string }>();
  for (const batch of batches) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || run.signal.aborted) break;
    const note = await runSuiteProcess(run, batch.args, remaining);
    for (const scenario of batch.covers) notes.set(scenario, note);
  }
  const saved = await savedChecks(run.outputDir);
  return batches.flatMap((batch) =>
    batch.covers.map((scenario) => {
      const checks = saved.get(scenario);
      if (checks !== undefined) return { scenario, checks };
      const note = notes.get(scenario) ?? { trouble: 'the run was out of time or interrupted before it started', output: '' };
      const why = `${note.trouble || 'the suite saved no checks for it'}${note.output === '' ? '' : `; its output ended with: ${note.output.trim()}`}`;
      return { scenario, checks: [{ id: scenario, status: 'FAILURE' as const, errorMessage: why }] };
    }),
  );
}

/** Runs the suite once; `trouble` is '' after a normal exit, else what went wrong. */
async function runSuiteProcess(
  run: SuiteRun,
  selection: readonly string[],
  timeoutMs: number,
): Promise<{ trouble: string; output: string }> {
  const child = spawn(run.node, [SUITE_ENTRY, 'server', '--url', run.url, ...selection, '-o', run.outputDir], {
    cwd: run.outputDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let killedFor = '';
  const kill = (why: string): void => {
    killedFor ||= why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => kill(`the run was stopped after ${timeoutMs} ms`), timeoutMs);
  const interrupted = (): void => kill('the run was interrupted');
  run.signal.addEventListener('abort', interrupted, { once: true });
  if (run.signal.aborted) interrupted();
  const failed = await new Promise<string>((resolve) => {
    // Exit code 1 only means some checks failed; the saved checks say which.
    child.once('close', (code, signal) => resolve(code === 0 || code === 1 ? '' : `the suite exited with ${code ?? signal}`));
    child.once('error', (err) => resolve(`the suite could not run: ${err.message}`));
  });
  clearTimeout(timer);
  run.signal.removeEventListener('abort', interrupted);
  return { trouble: killedFor || failed, output };
}

/** The suite writes `<dir>/server-<scenario>-<ISO timestamp with - for : and .>/checks.json`. */
async function savedChecks(dir: string): Promise<Map<string, ConformanceCheck[]>> {
  const found = new Map<string, ConformanceCheck[]>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(entry.name)?.[1];
    if (!entry.isDirectory() || scenario === undefined) continue;
    const text = await readFile(join(dir, entry.name, 'checks.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) found.set(scenario, JSON.parse(text) as ConformanceCheck[]);
  }
  return found;
}
