import { anthropicTarget } from './anthropic-target.js';
import { geminiTarget } from './gemini-target.js';
import { mcpTarget } from './mcp-target.js';
import { openAiStrictTarget, openAiTarget } from './openai-target.js';
import type { TargetAdapter, ToolTarget } from './tool-target.js';

/** Every target's adapter; a `Record` over `ToolTarget`, so a new target does not compile until it has one. */
export const TARGET_ADAPTERS: Readonly<Record<ToolTarget, TargetAdapter>> = {
  openai: openAiTarget,
  'openai-strict': openAiStrictTarget,
  anthropic: anthropicTarget,
  gemini: geminiTarget,
  mcp: mcpTarget,
};
