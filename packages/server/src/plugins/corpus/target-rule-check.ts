import type { ToolDraft } from '../spec-import.js';
import { checkDefinition } from '../targets/check-definition.js';
import { renderTools } from '../targets/render-tools.js';
import { TOOL_TARGETS, type ToolTarget } from '../targets/tool-target.js';

/**
 * Per-target rules the corpus checks every emitted tool against (OpenAI, Anthropic, Gemini, MCP, …): a tool
 * counts as valid for a target when `problems` returns nothing. The corpus only sees this interface, so the
 * way targets are implemented can change without touching the counting.
 */
export interface TargetRuleCheck {
  readonly targets: readonly string[];
  /** What is wrong with the tool's definition as rendered for `target`; empty when the target accepts it. */
  problems(target: string, tool: ToolDraft): readonly string[];
}

/**
 * `plugins/targets/`: the tool is rendered for the target (a tool the renderer refuses reports its reasons),
 * and each emitted definition is checked again against the target's documented rules. A check that throws
 * is reported as a problem of that tool, not as a crash of the importer.
 */
export function targetRuleCheck(): TargetRuleCheck | undefined {
  return {
    targets: TOOL_TARGETS,
    problems(target, tool) {
      try {
        const rendered = renderTools(target as ToolTarget, [tool]);
        return [
          ...rendered.problems.map((p) => p.problem),
          ...rendered.definitions.flatMap((definition) => checkDefinition(target as ToolTarget, definition)),
        ];
      } catch (err) {
        return [`the target check threw: ${err instanceof Error ? err.message : String(err)}`];
      }
    },
  };
}
