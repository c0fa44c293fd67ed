import { DEFAULT_STRICT_MODE_RULES } from './strict-mode-rules.js';
import { TARGET_ADAPTERS } from './target-adapters.js';
import { assignTargetNames } from './target-names.js';
import type { RenderableTool, RenderedTools, RenderOptions, RenderProblem, ToolTarget } from './tool-target.js';

export const DEFAULT_MAX_NAME_LENGTH = 64;

/**
 * Our tools as `target` takes them. Pure. Every definition is checked against the target's rules before
 * it is emitted, so a tool the target would reject (or a renderer bug) is reported in `problems` and left
 * out, never sent broken. Throws a RangeError for a `maxNameLength` too short to hold a hashed name.
 */
export function renderTools(target: ToolTarget, tools: readonly RenderableTool[], options: RenderOptions = {}): RenderedTools {
  const adapter = TARGET_ADAPTERS[target];
  const rules = options.strictRules ?? DEFAULT_STRICT_MODE_RULES;
  const names = assignTargetNames(
    tools.map((t) => t.name),
    adapter.nameRule,
    options.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH,
  );
  const definitions: unknown[] = [];
  const nameMap: [string, string][] = [];
  const problems: RenderProblem[] = [];
  const rendered = new Set<string>();
  for (const tool of tools) {
    const name = names.get(tool.name);
    if (name === undefined || rendered.has(tool.name)) {
      problems.push({ tool: tool.name, problem: 'listed twice; only the first is rendered' });
      continue;
    }
    rendered.add(tool.name);
    const result = adapter.render(tool, name, rules);
    const found = 'problems' in result ? result.problems : adapter.check(result.definition, rules);
    if ('problems' in result || found.length > 0) {
      problems.push(...found.map((problem) => ({ tool: tool.name, problem })));
    } else {
      definitions.push(result.definition);
      nameMap.push([name, tool.name]);
    }
  }
  // fromEntries defines own properties, so even a name like `__proto__` is a plain key.
  return { definitions, nameMap: Object.fromEntries(nameMap), problems };
}
