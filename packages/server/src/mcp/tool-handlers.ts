import { ErrorCode, McpError, type CallToolResult, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { ERRORS } from '../core/errors.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { listToolsAfter } from '../pipeline/list-tools.js';
import { runToolCall } from '../pipeline/run-tool-call.js';
import { renderTools } from '../plugins/targets/render-tools.js';
import type { CatalogEntry } from '../ports/tool-catalog.js';
import type { ProgressListener } from '../ports/tool-executor.js';
import { APPROVAL_STATUS_TOOL, approvalPendingResult, approvalStatusCall, approvalStatusToolDefinition } from './approval-status-tool.js';
import { mcpErrorMessage, toCallToolResult } from './call-tool-result.js';
import { endpointTools, fullToolName, inScope } from './endpoint-tools.js';
import type { McpServices } from './mcp-services.js';
import { decodeCursor, encodeCursor } from './tool-list-cursor.js';

/** One MCP request: who asks, on which endpoint. Credentials are checked again by the pipeline on every use. */
export interface McpRequestContext {
  readonly services: McpServices;
  readonly credential: string | null;
  readonly requestId: string;
  /** The caller's address, for policies on the network (context.sourceIp). */
  readonly sourceIp?: string;
  /** '' for `/mcp`, the plugin name for `/mcp/{plugin}`. */
  readonly scope: string;
}

/** A GatewayError as a JSON-RPC error: the table's JSON-RPC code, the caller-safe message, our code as data. */
export function toMcpError(err: GatewayError, requestId: string): McpError {
  return new McpError(ERRORS[err.code].jsonRpc, mcpErrorMessage(err), {
    code: err.code,
    requestId,
    ...(err.details !== undefined ? { details: err.details } : {}),
  });
}

/**
 * tools/list: the caller's tools from `listTools` (the one authorization function for listing), narrowed to
 * the endpoint's plugin, one page at a time, rendered for the MCP target. Our tool names already fit MCP's
 * name rule, so the MCP target renders them unchanged and calls need no name map.
 */
export async function listToolsPage(ctx: McpRequestContext, cursor: string | undefined): Promise<ListToolsResult> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && after === undefined) {
    throw new McpError(
      ErrorCode.InvalidParams,
      'Invalid cursor. Pass the nextCursor of a previous tools/list answer unchanged, or omit it to start from the first page.',
    );
  }
  const { pipeline, settings } = ctx.services;
  let visible;
  try {
    // On a plugin's endpoint the cursor holds a bare name; the prefix is constant there, so the full name orders the same.
    visible = await listToolsAfter(
      pipeline,
      { credential: ctx.credential, surface: 'mcp', requestId: ctx.requestId },
      {
        after: after === undefined ? undefined : fullToolName(ctx.scope, after),
        size: settings.pageSize,
        // The same narrowing as endpointTools, so every tool the page counts is one it shows.
        ...(ctx.scope !== '' ? { include: (entry: CatalogEntry) => inScope(entry, ctx.scope) } : {}),
      },
    );
  } catch (err) {
    throw toMcpError(toGatewayError(err), ctx.requestId);
  }
  const page = endpointTools(visible.entries, ctx.scope);
  const last = page.at(-1);
  const nextCursor = visible.more && last !== undefined ? encodeCursor(last.name) : undefined;
  const rendered = renderTools(
    'mcp',
    page.map(({ name, entry }) => ({ ...entry.tool, name })),
  );
  if (rendered.problems.length > 0) {
    pipeline.logger.warn({ requestId: ctx.requestId, problems: rendered.problems }, 'tools left out of an MCP tools/list page');
  }
  // mcpTarget.check has verified every emitted definition against MCP's Tool shape.
  const tools = rendered.definitions as ListToolsResult['tools'];
  // The approval status tool closes the last page, on every endpoint, for every caller.
  if (nextCursor === undefined && ctx.services.approvals !== undefined) tools.push(approvalStatusToolDefinition);
  return { tools, ...(nextCursor !== undefined ? { nextCursor } : {}) };
}

/**
 * tools/call through `runToolCall` (surface 'mcp'), which authenticates, authorizes and audits it. Errors the
 * error table marks `mcpToolError` become tool results with `isError: true`, so the model can read and correct
 * them; the rest are JSON-RPC errors (an unknown or invisible tool: -32602, as the spec says).
 */
export async function callTool(
  ctx: McpRequestContext,
  name: string,
  args: unknown,
  onProgress?: ProgressListener,
): Promise<CallToolResult> {
  const { pipeline, approvals } = ctx.services;
  if (name === APPROVAL_STATUS_TOOL && approvals !== undefined) {
    return approvalStatusCall(approvals, ctx, args).catch((err: unknown) => {
      throw toMcpError(toGatewayError(err), ctx.requestId);
    });
  }
  const toolName = fullToolName(ctx.scope, name);
  // On a plugin's endpoint only that plugin's tools exist (a name can look like it has another plugin's prefix).
  const outOfScope = ctx.scope !== '' && pipeline.catalog.get(toolName)?.plugin.name !== ctx.scope;
  try {
    const result = await runToolCall(pipeline, {
      credential: ctx.credential,
      toolName,
      args,
      surface: 'mcp',
      requestId: ctx.requestId,
      ...(ctx.sourceIp !== undefined ? { sourceIp: ctx.sourceIp } : {}),
      // A client retrying the same HTTP request (same X-Request-Id) maps to the same approval request.
      idempotencyKey: `mcp:${ctx.requestId}`,
      ...(onProgress !== undefined ? { onProgress } : {}),
      ...(outOfScope ? { rejected: new GatewayError('TOOL_NOT_FOUND', { reason: `not a tool of /mcp/${ctx.scope}` }) } : {}),
    });
    const entry = pipeline.catalog.get(result.tool);
    const current = entry !== undefined && entry.tool.definitionHash === result.definitionHash ? entry.tool : undefined;
    return toCallToolResult(result, {
      ...(current?.outputSchema !== undefined ? { outputSchema: current.outputSchema } : {}),
      fromMcpServer: current?.binding.kind === 'mcp',
    });
  } catch (thrown) {
    const err = toGatewayError(thrown);
    if (err.code === 'APPROVAL_PENDING') return approvalPendingResult(err, ctx.requestId);
    if (!ERRORS[err.code].mcpToolError) throw toMcpError(err, ctx.requestId);
    return {
      content: [{ type: 'text', text: `${err.code}: ${mcpErrorMessage(err)}` }],
      isError: true,
      _meta: {
        'toolgate/error': {
          code: err.code,
          retryable: ERRORS[err.code].retryable,
          requestId: ctx.requestId,
          ...(err.details !== undefined ? { details: err.details } : {}),
          ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
        },
      },
    };
  }
}
