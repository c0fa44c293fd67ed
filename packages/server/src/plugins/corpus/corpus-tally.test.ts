import { describe, expect, it } from 'vitest';
import { CorpusTally, reasonGroup } from './corpus-tally.js';
import { formatCorpusReport } from './format-corpus-report.js';

const tool = (name: string, more: Record<string, unknown> = {}) => ({ tool: name, hasOutputSchema: false, targetProblems: {}, ...more });

describe('CorpusTally', () => {
  it('groups reasons that differ only in names, pointers and numbers', () => {
    expect(reasonGroup('parameter "a" at #/paths/~1x/get is nested more than 64 levels')).toBe(
      'parameter "…" at #/… is nested more than N levels',
    );
  });

  it('counts specs, operations, crashes, schema and target problems, and the conversion rate of valid specs', () => {
    const tally = new CorpusTally(['mcp', 'openai']);
    tally.add({
      id: 'good',
      kind: 'imported',
      validatesAsOpenApi: true,
      converted: 3,
      failures: [{ operation: 'POST /f', reason: 'the request body is binary (image/png); a model cannot supply file contents' }],
      tools: [
        tool('a', { hasOutputSchema: true }),
        tool('b', { inputProblem: 'bad' }),
        tool('c', { targetProblems: { openai: ['too deep'] } }),
      ],
    });
    tally.add({
      id: 'odd',
      kind: 'imported',
      validatesAsOpenApi: false,
      converted: 0,
      failures: [{ operation: 'GET /x', reason: 'r' }],
      tools: [],
    });
    tally.add({ id: 'html', kind: 'refused', validatesAsOpenApi: false, reason: 'The document is HTML' });
    tally.add({ id: 'boom', kind: 'crashed', validatesAsOpenApi: true, error: 'TypeError: x', stack: 'TypeError: x\n    at f' });

    expect([tally.specsSeen, tally.specsImported, tally.specsValid]).toEqual([4, 2, 2]);
    expect([tally.operationsSeen, tally.operationsConverted]).toEqual([5, 3]);
    expect(tally.validConversionRate()).toBe(0.75);
    expect(tally.crashes).toEqual([{ spec: 'boom', error: 'TypeError: x', stack: 'TypeError: x\n    at f' }]);
    expect(tally.schemaProblems).toEqual([{ spec: 'good', tool: 'b', which: 'input', problem: 'bad' }]);
    expect([tally.toolsEmitted, tally.toolsWithOutputSchema, tally.toolsValidForAllTargets]).toEqual([3, 1, 2]);
    expect(tally.targetRejected.get('openai')).toBe(1);

    const report = formatCorpusReport(tally);
    expect(report).toContain('crashes               1\n  boom: TypeError: x');
    expect(report).toContain('  of valid specs      3 / 4 (75.00 %)');
    expect(report).toContain('the request body is binary (image/png); a model cannot supply file contents\n          e.g. good POST /f');
    expect(report).toContain('  openai: 2 valid, 1 rejected');
  });
});
