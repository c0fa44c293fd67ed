import type { RiskTier } from '../../core/tool.js';
import { isRecord } from '../json-value.js';
import { descriptionProblems, nameProblems, objectSchemaProblems } from './definition-checks.js';
import type { RenderableTool, TargetAdapter } from './tool-target.js';

/** MCP 2025-11-25: tool names are 1–128 of `A-Z a-z 0-9 _ - .`. */
const MCP_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

/**
 * Upstream annotations are untrusted (a server may call a delete "read-only"), so the hints clients act on
 * come from our reviewed risk tier; the rest of the upstream's hints pass through.
 */
function annotationsFor(tool: RenderableTool): Record<string, unknown> {
  const upstream = tool.annotations ?? {};
  const kept = Object.fromEntries(Object.entries(upstream).filter(([key, value]) => HINTS.includes(key) && typeof value === 'boolean'));
  const tier: RiskTier = tool.riskTier;
  return { ...kept, readOnlyHint: tier === 'read', destructiveHint: tier === 'destructive' || tier === 'consequential' };
}

/** `tools/list` entries. */
export const mcpTarget: TargetAdapter = {
  nameRule: { allowedChar: /[A-Za-z0-9_.-]/, maxLength: 128 },
  render(tool, name) {
    const definition: Record<string, unknown> = { name };
    if (tool.title !== undefined) definition['title'] = tool.title;
    definition['description'] = tool.description;
    definition['inputSchema'] = tool.inputSchema;
    if (tool.outputSchema !== undefined) definition['outputSchema'] = tool.outputSchema;
    definition['annotations'] = annotationsFor(tool);
    return { definition };
  },
  check(definition) {
    if (!isRecord(definition)) return ['must be an object'];
    const problems = [
      ...nameProblems(definition['name'], MCP_NAME, '^[A-Za-z0-9_.-]{1,128}$'),
      ...descriptionProblems(definition['description'], false),
      ...objectSchemaProblems(definition['inputSchema'], 'inputSchema'),
    ];
    if (definition['title'] !== undefined && typeof definition['title'] !== 'string') problems.push('title must be a string');
    if (definition['outputSchema'] !== undefined) problems.push(...objectSchemaProblems(definition['outputSchema'], 'outputSchema'));
    const annotations = definition['annotations'];
    if (annotations !== undefined) {
      if (!isRecord(annotations)) problems.push('annotations must be an object');
      else
        for (const hint of HINTS)
          if (annotations[hint] !== undefined && typeof annotations[hint] !== 'boolean')
            problems.push(`annotations.${hint} must be a boolean`);
    }
    return problems;
  },
  nameOf: (definition) => (isRecord(definition) && typeof definition['name'] === 'string' ? definition['name'] : undefined),
};
