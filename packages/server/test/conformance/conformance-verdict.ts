import { isScalar, isSeq, parseDocument } from 'yaml';

/** One check as the suite writes it to `checks.json`. */
export interface ConformanceCheck {
  readonly id: string;
  readonly name?: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  readonly errorMessage?: string;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly checks: readonly ConformanceCheck[];
}

export type ScenarioOutcome = 'passed' | 'expected-failure' | 'unexpected-failure' | 'unexpected-pass';

export interface JudgedScenario {
  readonly scenario: string;
  readonly outcome: ScenarioOutcome;
  /** For an expected failure: the reason from the file. For a failure: what the failing checks said. */
  readonly detail: string;
}

/**
 * The suite's rule, so the expected-failures file means the same to `conformance server --expected-failures`:
 * a scenario passes only when none of its checks is a FAILURE or a WARNING.
 */
export function scenarioPassed(result: ScenarioResult): boolean {
  return !result.checks.some((c) => c.status === 'FAILURE' || c.status === 'WARNING');
}

/** Sorts each scenario into passed, expected failure, unexpected failure or unexpected pass (a stale entry). */
export function judgeScenarios(results: readonly ScenarioResult[], expected: ReadonlyMap<string, string>): JudgedScenario[] {
  return results.map((result) => {
    const reason = expected.get(result.scenario);
    if (scenarioPassed(result)) {
      return reason === undefined
        ? { scenario: result.scenario, outcome: 'passed', detail: '' }
        : { scenario: result.scenario, outcome: 'unexpected-pass', detail: `listed as expected to fail (${reason}) but passed` };
    }
    if (reason !== undefined) return { scenario: result.scenario, outcome: 'expected-failure', detail: reason };
    const failing = result.checks
      .filter((c) => c.status === 'FAILURE' || c.status === 'WARNING')
      .map((c) => `${c.id} ${c.status}${c.errorMessage === undefined ? '' : `: ${c.errorMessage}`}`);
    return { scenario: result.scenario, outcome: 'unexpected-failure', detail: failing.join('; ') };
  });
}

/**
 * Reads the expected-failures file: the suite's own baseline format (`server:` a list of scenario names)
 * with each entry's reason as its line comment, `- <scenario> # <reason>`. An entry without a reason,
 * or listed twice, is refused: the file must say why each scenario cannot pass.
 */
export function parseExpectedFailures(text: string): Map<string, string> {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`expected-failures: ${doc.errors.map((e) => e.message).join('; ')}`);
  const list = doc.get('server', true);
  if (list === undefined) return new Map();
  if (!isSeq(list)) throw new Error('expected-failures: `server` must be a list of scenario names');
  const reasons = new Map<string, string>();
  for (const item of list.items) {
    if (!isScalar(item) || typeof item.value !== 'string') throw new Error('expected-failures: every entry must be a scenario name');
    const reason = item.comment?.trim() ?? '';
    if (reason === '') throw new Error(`expected-failures: ${item.value} has no reason (write it as "- ${item.value} # <reason>")`);
    if (reasons.has(item.value)) throw new Error(`expected-failures: ${item.value} is listed twice`);
    reasons.set(item.value, reason);
  }
  return reasons;
}
