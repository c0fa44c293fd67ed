import { DEFAULT_STRICT_MODE_RULES, type StrictModeRules } from './strict-mode-rules.js';
import { TARGET_ADAPTERS } from './target-adapters.js';
import { assignTargetNames } from './target-names.js';
import type { RenderableTool, RenderedTools, RenderOptions, RenderProblem, TargetAdapter, ToolTarget } from './tool-target.js';

export const DEFAULT_MAX_NAME_LENGTH = 64;

/**
 * One tool rendered and checked, or why not. The renderers and checkers guard against cyclic and deep
 * schemas themselves; this catch is the last line, so that one tool the code still cannot handle is
 * reported as that tool's problem instead of failing the whole list (and every other tool with it).
 */
function renderOne(
  adapter: TargetAdapter,
  tool: RenderableTool,
  name: string,
  rules: StrictModeRules,
): { definition: unknown } | { problems: string[] } {
  try {
    const result = adapter.render(tool, name, rules);
    if ('problems' in result) return result;
    const found = adapter.check(result.definition, rules);
    return found.length > 0 ? { problems: found } : result;
  } catch (err) {
    return { problems: [`could not be rendered: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/**
 * Our tools as `target` takes them. Pure. Every definition is checked against the target's rules before
 * it is emitted, so a tool the target would reject (or a renderer bug) is reported in `problems` and left
 * out, never sent broken; no tool makes it throw (recursive, deep or cyclic schemas included). Throws only
 * a RangeError for a `maxNameLength` too short to hold a hashed name, which is the caller's mistake.
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
    const result = renderOne(adapter, tool, name, rules);
    if ('problems' in result) {
      problems.push(...result.problems.map((problem) => ({ tool: tool.name, problem })));
    } else {
      definitions.push(result.definition);
      nameMap.push([name, tool.name]);
    }
  }
  // fromEntries defines own properties, so even a name like `__proto__` is a plain key.
  return { definitions, nameMap: Object.fromEntries(nameMap), problems };
}
