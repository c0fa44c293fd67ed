import { GatewayError } from '../core/gateway-error.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { runToolCall } from '../pipeline/run-tool-call.js';
import { fullToolName } from './endpoint-tools.js';

/**
 * A `tools/call` refused before the MCP server saw it (bad key, disabled principal, foreign Origin, another
 * principal's session) is still a tool call: it goes through the pipeline with the refusal, so it is audited
 * as on REST. Other messages (initialize, tools/list) are not tool calls and are only answered.
 */
export async function auditRefusedToolCall(
  pipeline: PipelineDeps,
  req: { readonly body: unknown; readonly credential: string | null; readonly requestId: string; readonly scope: string },
  refusal: GatewayError,
): Promise<void> {
  const name = toolCallName(req.body);
  if (name === undefined) return;
  try {
    await runToolCall(pipeline, {
      credential: req.credential,
      toolName: fullToolName(req.scope, name),
      args: undefined,
      surface: 'mcp',
      requestId: req.requestId,
      rejected: refusal,
    });
  } catch (err) {
    // The pipeline answers with the refusal (or an authentication error) after auditing it: expected.
    if (!(err instanceof GatewayError)) throw err;
  }
}

/** The tool name of a JSON-RPC `tools/call` request in a raw body, or undefined. */
function toolCallName(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || (message as { method?: unknown }).method !== 'tools/call') return undefined;
  const name = (message as { params?: { name?: unknown } }).params?.name;
  return typeof name === 'string' && name !== '' ? name.slice(0, 200) : '';
}
