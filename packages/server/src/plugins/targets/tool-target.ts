import type { Tool } from '../../core/tool.js';
import type { StrictModeRules } from './strict-mode-rules.js';
import type { NameRule } from './target-names.js';

/** The model families and protocols a tool list can be rendered for. */
export const TOOL_TARGETS = ['openai', 'openai-strict', 'anthropic', 'gemini', 'mcp'] as const;
export type ToolTarget = (typeof TOOL_TARGETS)[number];

export function isToolTarget(value: string): value is ToolTarget {
  return (TOOL_TARGETS as readonly string[]).includes(value);
}

/** What rendering needs of a tool; a full `Tool` fits, and so does an import draft. */
export type RenderableTool = Pick<Tool, 'name' | 'description' | 'inputSchema' | 'riskTier'> &
  Partial<Pick<Tool, 'title' | 'outputSchema' | 'annotations'>>;

export interface RenderOptions {
  /**
   * Longest name to emit. Below the targets' own limit so that clients which prefix names
   * (`mcp__server__tool`) still fit theirs.
   */
  readonly maxNameLength?: number;
  /** Strict-mode limits and supported keywords; OpenAI has changed them before. */
  readonly strictRules?: StrictModeRules;
}

export interface RenderProblem {
  /** Our tool name. */
  readonly tool: string;
  readonly problem: string;
}

export interface RenderedTools {
  /** In the shape the target's API takes (one entry per tool), in input order; tools with problems are left out. */
  readonly definitions: unknown[];
  /** Target-visible name → our tool name, to resolve the calls a model sends back. Only emitted tools. */
  readonly nameMap: Record<string, string>;
  readonly problems: RenderProblem[];
}

/** Our tool name for a name the model sent, or undefined; own keys only, so `constructor` resolves to nothing. */
export function resolveTargetName(nameMap: Record<string, string>, targetName: string): string | undefined {
  return Object.hasOwn(nameMap, targetName) ? nameMap[targetName] : undefined;
}

/** One target: how names are spelled, how a tool is rendered, and an independent check of the result. */
export interface TargetAdapter {
  readonly nameRule: NameRule;
  /** The definition for one tool under `name`, or why it cannot be rendered for this target. */
  render(tool: RenderableTool, name: string, rules: StrictModeRules): { definition: unknown } | { problems: string[] };
  /** The target's documented rules, checked on any definition (ours or hand-made). */
  check(definition: unknown, rules: StrictModeRules): string[];
  nameOf(definition: unknown): string | undefined;
}
