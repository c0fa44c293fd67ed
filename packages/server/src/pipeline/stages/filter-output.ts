import type { ExecutedCall, ToolCallResult } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/**
 * Caps what reaches the model. A cut result becomes text with an explicit marker, so neither the
 * model nor the caller mistakes a truncated body for a whole one.
 */
export function filterOutput(deps: PipelineDeps, call: ExecutedCall, callId: string): ToolCallResult {
  const { upstream } = call;
  const limit = deps.settings.maxOutputChars;
  const text = typeof upstream.body === 'string' ? upstream.body : JSON.stringify(upstream.body);
  const cutUpstream = upstream.truncated === true;
  let content: unknown = upstream.body;
  let truncated = false;
  if (cutUpstream || (text !== undefined && text.length > limit)) {
    const shown = (text ?? '').slice(0, limit);
    const total = cutUpstream ? `more than ${upstream.bytes} bytes` : `${text?.length ?? 0} characters`;
    content = `${shown}\n[truncated by Toolgate: the result had ${total}; the first ${shown.length} characters are shown]`;
    truncated = true;
  }
  return {
    callId,
    tool: call.tool.name,
    definitionHash: call.tool.definitionHash,
    isError: upstream.status >= 400 || upstream.toolError === true,
    upstreamStatus: upstream.status,
    contentType: upstream.contentType,
    content,
    truncated,
  };
}
