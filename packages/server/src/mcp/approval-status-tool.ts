import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { visibleApproval } from '../approvals/approval-access.js';
import type { ApprovalDeps } from '../approvals/approval-deps.js';
import { approvalView } from '../approvals/approval-view.js';
import { ERRORS } from '../core/errors.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { authenticate } from '../pipeline/stages/authenticate.js';

/** Built in on every MCP endpoint; plugin tool names always contain `__`, so it cannot collide with one on /mcp. */
export const APPROVAL_STATUS_TOOL = 'toolgate_approval_status';

export const approvalStatusToolDefinition: McpTool = {
  name: APPROVAL_STATUS_TOOL,
  title: 'Approval status',
  description:
    'Returns the status of a tool call that waits for human approval (pending, approved, executed, failed, denied, expired) ' +
    'and, once the approved call has run, its result. Pass the approvalId a call answered with.',
  inputSchema: {
    type: 'object',
    properties: { approvalId: { type: 'string', minLength: 1, maxLength: 200, description: 'the id the pending call answered with' } },
    required: ['approvalId'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
};

function errorResult(err: GatewayError, requestId: string): CallToolResult {
  return {
    content: [{ type: 'text', text: `${err.code}: ${err.message}` }],
    isError: true,
    _meta: { 'toolgate/error': { code: err.code, retryable: ERRORS[err.code].retryable, requestId } },
  };
}

/**
 * The status tool: the caller is authenticated like any call, and sees only requests that are theirs or that
 * they may decide (anyone else's id is APPROVAL_NOT_FOUND).
 */
export async function approvalStatusCall(
  deps: ApprovalDeps,
  ctx: { readonly credential: string | null; readonly requestId: string },
  args: unknown,
): Promise<CallToolResult> {
  try {
    const { principal } = await authenticate(deps.pipeline, {
      credential: ctx.credential,
      toolName: APPROVAL_STATUS_TOOL,
      args,
      surface: 'mcp',
      requestId: ctx.requestId,
    });
    const id = (args as { approvalId?: unknown } | undefined)?.approvalId;
    if (typeof id !== 'string' || id === '') {
      throw new GatewayError('ARGS_INVALID', { details: { path: '/approvalId', problem: 'is required' } });
    }
    const record = await visibleApproval(deps, principal, id, ctx.requestId);
    // The result is the requester's: an approver decides whether the call runs, not what it returned.
    const view = approvalView(record, { withOutcome: record.requesterId === principal.id });
    return { content: [{ type: 'text', text: JSON.stringify(view) }], isError: false, _meta: { 'toolgate/approval': view } };
  } catch (thrown) {
    const err = toGatewayError(thrown);
    if (!ERRORS[err.code].mcpToolError) throw err;
    return errorResult(err, ctx.requestId);
  }
}

/**
 * A call that waits for approval, as an MCP tool result. Marked `isError` on purpose: the call has not run,
 * and a success result must carry structured content that conforms to a tool's output schema, which a
 * pending call cannot. The text says it is not an error to retry, and how to follow the request.
 */
export function approvalPendingResult(err: GatewayError, requestId: string): CallToolResult {
  const d = err.details ?? {};
  const id = String(d['approvalId']);
  const approval = {
    approvalId: id,
    status: d['status'],
    statusUrl: d['statusUrl'],
    expiresAt: d['expiresAt'],
    statusTool: APPROVAL_STATUS_TOOL,
  };
  const text =
    `Not run yet: this call to ${String(d['tool'])} needs human approval. Approval id: ${id} ` +
    `(status ${String(d['status'])}, expires ${String(d['expiresAt'])}). Do not call it again; tell the user it awaits ` +
    `approval. To check it, call ${APPROVAL_STATUS_TOOL} with {"approvalId": "${id}"}: once approved, Toolgate runs the ` +
    'call exactly once and that tool returns its result.';
  return {
    content: [{ type: 'text', text }],
    isError: true,
    _meta: {
      'toolgate/approval': approval,
      'toolgate/error': { code: err.code, retryable: ERRORS[err.code].retryable, requestId, details: d },
    },
  };
}
