import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judgeScenarios, parseExpectedFailures, type ScenarioResult } from './conformance-verdict.js';

const passing = (scenario: string): ScenarioResult => ({ scenario, checks: [{ id: scenario, status: 'SUCCESS' }] });
const failing = (scenario: string, status: 'FAILURE' | 'WARNING' = 'FAILURE'): ScenarioResult => ({
  scenario,
  checks: [
    { id: 'a', status: 'SUCCESS' },
    { id: scenario, status, errorMessage: 'it broke' },
  ],
});

describe('conformance verdict', () => {
  it('sorts scenarios into passed, expected failures, unexpected failures and unexpected passes', () => {
    const expected = new Map([
      ['resources-list', 'not served'],
      ['tools-call-sampling', 'not relayed'],
    ]);
    const judged = judgeScenarios(
      [passing('ping'), failing('resources-list'), failing('tools-call-image'), passing('tools-call-sampling')],
      expected,
    );
    expect(judged.map((j) => [j.scenario, j.outcome])).toEqual([
      ['ping', 'passed'],
      ['resources-list', 'expected-failure'],
      ['tools-call-image', 'unexpected-failure'],
      ['tools-call-sampling', 'unexpected-pass'],
    ]);
    expect(judged[1]?.detail).toBe('not served');
    expect(judged[2]?.detail).toBe('tools-call-image FAILURE: it broke');
  });

  it('counts a warning as not passing, as the suite does with its own baseline', () => {
    expect(judgeScenarios([failing('server-sse-polling', 'WARNING')], new Map())[0]?.outcome).toBe('unexpected-failure');
    const infoOnly: ScenarioResult = { scenario: 'x', checks: [{ id: 'x', status: 'INFO' }] };
    expect(judgeScenarios([infoOnly], new Map())[0]?.outcome).toBe('passed');
  });

  it('reads each entry with its reason and refuses an entry without one, or listed twice', () => {
    const reasons = parseExpectedFailures('server:\n  # a group\n  - resources-list # not served\n  - prompts-list #  no prompts \n');
    expect([...reasons]).toEqual([
      ['resources-list', 'not served'],
      ['prompts-list', 'no prompts'],
    ]);
    expect(() => parseExpectedFailures('server:\n  - resources-list\n')).toThrow(/resources-list has no reason/);
    expect(() => parseExpectedFailures('server:\n  - a # x\n  - a # y\n')).toThrow(/listed twice/);
    expect(() => parseExpectedFailures('server: resources-list\n')).toThrow(/must be a list/);
    expect(parseExpectedFailures('client:\n  - x\n').size).toBe(0);
  });

  it('the committed file gives every entry a reason', () => {
    const file = fileURLToPath(new URL('./expected-failures.yaml', import.meta.url));
    const reasons = parseExpectedFailures(readFileSync(file, 'utf8'));
    expect(reasons.size).toBeGreaterThan(0);
    for (const reason of reasons.values()) expect(reason.length).toBeGreaterThan(10);
  });
});
