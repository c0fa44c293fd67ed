import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERRORS, type ErrorCode } from '../core/errors.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { JsonSchema } from '../core/tool.js';
import type { ToolCallResult } from '../pipeline/call-types.js';
import { outputSchemaProblem } from './output-conformance.js';

type Content = CallToolResult['content'];

/**
 * The table's default messages that name a REST path, as they read on MCP, where callers list tools with
 * `tools/list`. The error table stays the one source of codes and meanings; only the wording of the route differs.
 */
const MCP_MESSAGES: Partial<Record<ErrorCode, string>> = {
  TOOL_NOT_FOUND: 'No such tool, or you may not use it. List the tools you can call with tools/list.',
};

/** The caller-safe message of `err` for an MCP caller: a message a stage wrote itself is kept as it is. */
export function mcpErrorMessage(err: GatewayError): string {
  const wording = MCP_MESSAGES[err.code];
  return wording !== undefined && err.message === ERRORS[err.code].message ? wording : err.message;
}

/** What the mapping needs to know of the tool that ran. */
export interface ResultShape {
  /** The tool's output schema, when it has one. */
  readonly outputSchema?: JsonSchema;
  /** The tool runs on an upstream MCP server: its result is already `{content, structuredContent?, isError?}`. */
  readonly fromMcpServer: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An MCP server's result as the MCP connector hands it on (connectors/mcp/fit-mcp-result.ts). */
function mcpBody(content: unknown): { content: Content; structuredContent?: Record<string, unknown> } | undefined {
  if (!isRecord(content) || !Array.isArray(content['content'])) return undefined;
  const structured = content['structuredContent'];
  return { content: content['content'] as Content, ...(isRecord(structured) ? { structuredContent: structured } : {}) };
}

/**
 * A pipeline result as an MCP tool result. MCP servers' results keep their content blocks and structured
 * content; HTTP results become text (JSON as JSON text), plus `structuredContent` when the tool declares an
 * output schema and the value is an object (mirrored as text, as the spec asks). A result that should be
 * structured but cannot conform (cut by the output limit, not an object, not matching the schema) is marked
 * `isError` with a note: the spec forbids unstructured or non-conforming success results for such tools, and
 * SDK clients reject them outright, which would hide the data from the model altogether.
 */
export function toCallToolResult(result: ToolCallResult, shape: ResultShape): CallToolResult {
  const meta = {
    'toolgate/call': {
      callId: result.callId,
      definitionHash: result.definitionHash,
      upstreamStatus: result.upstreamStatus,
      truncated: result.truncated,
      ...(result.cache !== undefined ? { cache: result.cache } : {}),
      ...(result.fallback !== undefined ? { fallback: result.fallback } : {}),
    },
  };
  const fromServer = shape.fromMcpServer ? mcpBody(result.content) : undefined;
  let content: Content;
  let structuredContent: Record<string, unknown> | undefined;
  if (fromServer !== undefined) {
    content = fromServer.content;
    structuredContent = fromServer.structuredContent;
  } else {
    const text = typeof result.content === 'string' ? result.content : (JSON.stringify(result.content) ?? '');
    content = [{ type: 'text', text }];
    if (shape.outputSchema !== undefined && !result.isError && isRecord(result.content)) structuredContent = result.content;
  }
  if (shape.outputSchema === undefined || result.isError) {
    return { content, ...(structuredContent !== undefined ? { structuredContent } : {}), isError: result.isError, _meta: meta };
  }
  const problem =
    structuredContent === undefined
      ? result.truncated
        ? 'it was cut to the output limit'
        : 'it is not a JSON object'
      : outputSchemaProblem(result.definitionHash, shape.outputSchema, structuredContent);
  if (problem === undefined) return { content, structuredContent, isError: false, _meta: meta };
  const note = `[Toolgate: the result does not fit the tool's declared output schema (${problem}), so it is reported as an error; what the tool answered is above.]`;
  return { content: [...content, { type: 'text', text: note }], isError: true, _meta: meta };
}
