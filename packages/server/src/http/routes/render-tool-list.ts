import { GatewayError } from '../../core/gateway-error.js';
import type { Tool } from '../../core/tool.js';
import { renderTools } from '../../plugins/targets/render-tools.js';
import { isToolTarget, TOOL_TARGETS, type RenderedTools } from '../../plugins/targets/tool-target.js';

export interface FormatQuery {
  format?: string;
  maxNameLength?: string;
}

/**
 * Tool definitions in the shape one model family or protocol accepts (`?format=openai|openai-strict|anthropic|
 * gemini|mcp`), with the name map to resolve the names a model sends back and the tools that could not be rendered.
 */
export function renderToolList(tools: readonly Tool[], query: FormatQuery): RenderedTools & { format: string } {
  const format = query.format ?? '';
  if (!isToolTarget(format)) {
    throw new GatewayError('BAD_REQUEST', {
      message: `Unknown format "${format}". Use one of: ${TOOL_TARGETS.join(', ')}.`,
      details: { path: 'query/format' },
    });
  }
  let maxNameLength: number | undefined;
  if (query.maxNameLength !== undefined) {
    maxNameLength = Number(query.maxNameLength);
    if (!Number.isInteger(maxNameLength) || maxNameLength < 8 || maxNameLength > 128) {
      throw new GatewayError('BAD_REQUEST', {
        message: 'maxNameLength must be a whole number from 8 to 128.',
        details: { path: 'query/maxNameLength' },
      });
    }
  }
  return { format, ...renderTools(format, tools, maxNameLength === undefined ? {} : { maxNameLength }) };
}
