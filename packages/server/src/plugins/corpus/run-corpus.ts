import { CorpusTally } from './corpus-tally.js';
import { importCorpusSpec, type SpecOutcome } from './import-corpus-spec.js';
import type { DirectorySpec } from './openapi-directory-specs.js';
import { targetRuleCheck, type TargetRuleCheck } from './target-rule-check.js';

export interface CorpusRunOptions {
  /** Defaults to `targetRuleCheck()`: whatever `plugins/targets/` provides. */
  readonly targets?: TargetRuleCheck;
  /** Called after each spec, e.g. for progress output. */
  readonly onSpec?: (outcome: SpecOutcome, index: number, elapsedMs: number) => void;
}

/** Imports the specs one after another (a spec's import is synchronous work, so one at a time is as fast) and tallies them. */
export async function runCorpus(specs: readonly DirectorySpec[], opts: CorpusRunOptions = {}): Promise<CorpusTally> {
  const targets = opts.targets ?? targetRuleCheck();
  const tally = new CorpusTally(targets?.targets ?? []);
  for (const [index, spec] of specs.entries()) {
    const started = performance.now();
    const outcome = await importCorpusSpec(spec, targets);
    tally.add(outcome);
    opts.onSpec?.(outcome, index, performance.now() - started);
  }
  return tally;
}
