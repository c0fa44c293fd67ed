import { fork } from 'node:child_process';
import { CorpusTally } from './corpus-tally.js';
import { importCorpusSpec, type SpecOutcome } from './import-corpus-spec.js';
import type { DirectorySpec } from './openapi-directory-specs.js';
import { targetRuleCheck } from './target-rule-check.js';

/** What a worker process sends back for each spec it imported. */
interface WorkerMessage {
  readonly index: number;
  readonly outcome: SpecOutcome;
  readonly ms: number;
}

export interface ProcessRunOptions {
  readonly jobs: number;
  /** The entry script, run again in each worker with `--worker <i>/<jobs>` appended to `args`. */
  readonly script: string;
  readonly args: readonly string[];
  readonly onSpec?: (outcome: SpecOutcome, done: number, elapsedMs: number) => void;
}

/**
 * Imports `specs` in `jobs` worker processes (importing is CPU-bound and synchronous, so threads of one
 * process would not help), worker i taking every spec whose index is i modulo `jobs`. Outcomes are tallied
 * in spec order, so the report is the same as a sequential run's.
 */
export async function runCorpusInProcesses(specs: readonly DirectorySpec[], opts: ProcessRunOptions): Promise<CorpusTally> {
  const outcomes: (SpecOutcome | undefined)[] = new Array<SpecOutcome | undefined>(specs.length);
  let done = 0;
  const workers = Array.from({ length: opts.jobs }, (_, worker) => {
    const child = fork(opts.script, [...opts.args, '--worker', `${worker}/${opts.jobs}`], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: WorkerMessage) => {
      outcomes[message.index] = message.outcome;
      done += 1;
      opts.onSpec?.(message.outcome, done, message.ms);
    });
    return new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`corpus worker ${worker} exited with ${String(code)}`))));
    });
  });
  await Promise.all(workers);
  const tally = new CorpusTally(targetRuleCheck()?.targets ?? []);
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome === undefined) throw new Error(`no outcome for spec ${specs[index]?.id ?? index}`);
    tally.add(outcome);
  }
  return tally;
}

/** The worker side: imports its share of `specs` and sends each outcome to the parent. */
export async function corpusWorker(specs: readonly DirectorySpec[], worker: number, jobs: number): Promise<void> {
  const targets = targetRuleCheck();
  for (const [index, spec] of specs.entries()) {
    if (index % jobs !== worker) continue;
    const started = performance.now();
    const outcome = await importCorpusSpec(spec, targets);
    const message: WorkerMessage = { index, outcome, ms: performance.now() - started };
    await new Promise<void>((resolve, reject) => process.send?.(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
  }
}
