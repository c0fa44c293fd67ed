import type { SpecOutcome } from './import-corpus-spec.js';

/** How many times a kind of reason came up, with one place it did. */
export interface ReasonCount {
  readonly reason: string;
  count: number;
  readonly example: string;
}

export interface SchemaProblem {
  readonly spec: string;
  readonly tool: string;
  readonly which: 'input' | 'output';
  readonly problem: string;
}

export interface CorpusCrash {
  readonly spec: string;
  readonly error: string;
  readonly stack: string;
}

/**
 * Groups messages that differ only in names, pointers and numbers, so "operations refused by reason" reads
 * as a short list of causes rather than one line per operation.
 */
export function reasonGroup(reason: string): string {
  return (
    reason
      .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
      .replace(/#\/[^\s,;:)]*/g, '#/…')
      // Schema locations the target checks report as bare JSON pointers (`/properties/body/…`).
      .replace(/(^|[\s(])\/[^\s,;:)]*/g, '$1/…')
      .replace(/\b\d+\b/g, 'N')
      .slice(0, 200)
  );
}

function bump(groups: Map<string, ReasonCount>, reason: string, example: string): void {
  const key = reasonGroup(reason);
  const group = groups.get(key);
  if (group) group.count += 1;
  else groups.set(key, { reason: key, count: 1, example });
}

/** The counts one corpus run reports; the test asserts on them and `npm run corpus` prints them. */
export class CorpusTally {
  specsSeen = 0;
  specsImported = 0;
  specsValid = 0;
  operationsSeen = 0;
  operationsConverted = 0;
  /** Operations of specs that validate as OpenAPI: the ≥ 99 % conversion bar is measured on these. */
  validOperationsSeen = 0;
  validOperationsConverted = 0;
  toolsEmitted = 0;
  toolsWithOutputSchema = 0;
  /** Tools every target accepted, when target rules were checked. */
  toolsValidForAllTargets = 0;
  readonly refusedSpecs = new Map<string, ReasonCount>();
  readonly failedOperations = new Map<string, ReasonCount>();
  readonly schemaProblems: SchemaProblem[] = [];
  readonly crashes: CorpusCrash[] = [];
  /** The targets whose rules were checked (empty when `plugins/targets/` is not wired in). */
  readonly targets: readonly string[];
  /** Target → how many tools it rejected, and why (grouped). */
  readonly targetRejected = new Map<string, number>();
  readonly targetProblems = new Map<string, Map<string, ReasonCount>>();

  constructor(targets: readonly string[] = []) {
    this.targets = targets;
  }

  add(outcome: SpecOutcome): void {
    this.specsSeen += 1;
    if (outcome.validatesAsOpenApi) this.specsValid += 1;
    if (outcome.kind === 'crashed') {
      this.crashes.push({ spec: outcome.id, error: outcome.error, stack: outcome.stack });
      return;
    }
    if (outcome.kind === 'refused') {
      bump(this.refusedSpecs, outcome.reason, outcome.id);
      return;
    }
    this.specsImported += 1;
    const seen = outcome.converted + outcome.failures.length;
    this.operationsSeen += seen;
    this.operationsConverted += outcome.converted;
    if (outcome.validatesAsOpenApi) {
      this.validOperationsSeen += seen;
      this.validOperationsConverted += outcome.converted;
    }
    for (const failure of outcome.failures) bump(this.failedOperations, failure.reason, `${outcome.id} ${failure.operation}`);
    for (const tool of outcome.tools) this.addTool(outcome.id, tool);
  }

  private addTool(spec: string, tool: Extract<SpecOutcome, { kind: 'imported' }>['tools'][number]): void {
    this.toolsEmitted += 1;
    if (tool.hasOutputSchema) this.toolsWithOutputSchema += 1;
    if (tool.inputProblem !== undefined) this.schemaProblems.push({ spec, tool: tool.tool, which: 'input', problem: tool.inputProblem });
    if (tool.outputProblem !== undefined) this.schemaProblems.push({ spec, tool: tool.tool, which: 'output', problem: tool.outputProblem });
    let allTargets = true;
    for (const [target, problems] of Object.entries(tool.targetProblems)) {
      allTargets = false;
      this.targetRejected.set(target, (this.targetRejected.get(target) ?? 0) + 1);
      const groups = this.targetProblems.get(target) ?? new Map<string, ReasonCount>();
      this.targetProblems.set(target, groups);
      for (const problem of problems) bump(groups, problem, `${spec} ${tool.tool}`);
    }
    if (allTargets) this.toolsValidForAllTargets += 1;
  }

  /** Converted share of the operations of specs that validate as OpenAPI; 1 when there were none. */
  validConversionRate(): number {
    return this.validOperationsSeen === 0 ? 1 : this.validOperationsConverted / this.validOperationsSeen;
  }
}
