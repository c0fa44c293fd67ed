import { DEFAULT_STRICT_MODE_RULES, type StrictModeRules } from './strict-mode-rules.js';
import { TARGET_ADAPTERS } from './target-adapters.js';
import type { ToolTarget } from './tool-target.js';

/** The target's documented rules broken by one definition; empty when it is fine. */
export function checkDefinition(target: ToolTarget, definition: unknown, rules: StrictModeRules = DEFAULT_STRICT_MODE_RULES): string[] {
  return TARGET_ADAPTERS[target].check(definition, rules);
}

/** Problems of a whole tool list: each definition's (prefixed with its index), and names used twice. */
export function checkDefinitions(
  target: ToolTarget,
  definitions: readonly unknown[],
  rules: StrictModeRules = DEFAULT_STRICT_MODE_RULES,
): string[] {
  const adapter = TARGET_ADAPTERS[target];
  const problems: string[] = [];
  const seen = new Set<string>();
  definitions.forEach((definition, index) => {
    problems.push(...adapter.check(definition, rules).map((p) => `[${index}] ${p}`));
    const name = adapter.nameOf(definition);
    if (name !== undefined && seen.has(name)) problems.push(`[${index}] name "${name}" is used twice`);
    if (name !== undefined) seen.add(name);
  });
  return problems;
}
