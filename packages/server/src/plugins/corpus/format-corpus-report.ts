import type { CorpusTally, ReasonCount } from './corpus-tally.js';

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)} %`;
}

function reasons(groups: ReadonlyMap<string, ReasonCount>, limit: number): string[] {
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  const lines = sorted.slice(0, limit).map((g) => `  ${String(g.count).padStart(6)}  ${g.reason}\n          e.g. ${g.example}`);
  if (sorted.length > limit) lines.push(`  … and ${sorted.length - limit} more kinds`);
  return lines;
}

/** The corpus run as text: what `npm run corpus` prints. */
export function formatCorpusReport(tally: CorpusTally, opts: { reasonLimit?: number } = {}): string {
  const limit = opts.reasonLimit ?? 40;
  const refused = [...tally.refusedSpecs.values()].reduce((n, g) => n + g.count, 0);
  const lines = [
    `specs seen            ${tally.specsSeen} (${tally.specsValid} validate as OpenAPI 3.0/3.1)`,
    `specs imported        ${tally.specsImported}`,
    `specs refused         ${refused}`,
    ...reasons(tally.refusedSpecs, limit),
    `crashes               ${tally.crashes.length}`,
    ...tally.crashes.map((c) => `  ${c.spec}: ${c.error}\n${c.stack.replace(/^/gm, '      ')}`),
    `operations seen       ${tally.operationsSeen}`,
    `operations converted  ${tally.operationsConverted} (${percent(tally.operationsConverted, tally.operationsSeen)})`,
    `  of valid specs      ${tally.validOperationsConverted} / ${tally.validOperationsSeen} (${percent(tally.validOperationsConverted, tally.validOperationsSeen)})`,
    `operations refused    ${tally.operationsSeen - tally.operationsConverted}, by reason:`,
    ...reasons(tally.failedOperations, limit),
    `tools emitted         ${tally.toolsEmitted} (${tally.toolsWithOutputSchema} with an output schema)`,
    `schemas compiling under Ajv 2020: ${tally.toolsEmitted - new Set(tally.schemaProblems.map((p) => `${p.spec} ${p.tool}`)).size} of ${tally.toolsEmitted} tools`,
    ...tally.schemaProblems.slice(0, limit).map((p) => `  ${p.spec} ${p.tool} (${p.which}): ${p.problem}`),
  ];
  if (tally.targets.length === 0) {
    lines.push('target rules          not checked (plugins/corpus/target-rule-check.ts is not wired to plugins/targets/ yet)');
  } else {
    lines.push(
      `valid for every target ${tally.toolsValidForAllTargets} of ${tally.toolsEmitted} tools (problems below are counted per problem; a tool can have several)`,
    );
    for (const target of tally.targets) {
      const rejected = tally.targetRejected.get(target) ?? 0;
      lines.push(`  ${target}: ${tally.toolsEmitted - rejected} valid, ${rejected} rejected`);
      lines.push(...reasons(tally.targetProblems.get(target) ?? new Map<string, ReasonCount>(), 10).map((l) => `  ${l}`));
    }
  }
  return lines.join('\n');
}
