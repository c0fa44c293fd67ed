import { GatewayError } from '../../core/gateway-error.js';
import { MAX_PROGRESS_MESSAGE_CHARS, type ExecutionProgress, type ProgressListener } from '../../ports/tool-executor.js';
import type { ExecutedCall, ResolvedCall, ToolCallResult } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/**
 * What reaches the model. First secrets and personal data are redacted (or, where the tool's settings
 * say `block`, a result carrying secrets is refused with OUTPUT_BLOCKED); then the result is capped. A
 * cut result becomes text with an explicit marker, so neither the model nor the caller mistakes a
 * truncated body for a whole one. Filtering comes first so a cut can never split a secret past the filter.
 */
export function filterOutput(deps: PipelineDeps, call: ExecutedCall, callId: string): ToolCallResult {
  const { upstream } = call;
  const filtered = deps.outputFilter.forTool(call.plugin.name, call.tool.name).filter(upstream.body);
  const blocked = filtered.blockedKinds;
  if (blocked !== undefined) {
    const counts = filtered.redactions.filter((r) => blocked.includes(r.kind)).map((r) => `${r.kind}=${r.count}`);
    throw new GatewayError('OUTPUT_BLOCKED', {
      details: { kinds: blocked },
      reason: `output filter blocked the result: it carried ${counts.join(', ')}`,
    });
  }
  const body = filtered.body;
  const limit = deps.settings.maxOutputChars;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const cutUpstream = upstream.truncated === true;
  let content: unknown = body;
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
    ...(filtered.redactions.length > 0 ? { redactions: filtered.redactions } : {}),
    ...(upstream.cache !== undefined ? { cache: upstream.cache } : {}),
    ...(upstream.fallback !== undefined ? { fallback: upstream.fallback } : {}),
  };
}

/**
 * The caller's progress listener behind the same filter as the result: a plugin's progress message is
 * its own free text and reaches the caller while the call runs. A message with findings is redacted,
 * or dropped (numbers kept) where the tool's results would be blocked.
 */
export function filteredProgress(deps: PipelineDeps, call: ResolvedCall, listener: ProgressListener): ProgressListener {
  const filter = deps.outputFilter.forTool(call.plugin.name, call.tool.name);
  return (update: ExecutionProgress) => {
    if (update.message === undefined) return listener(update);
    const { message: _unfiltered, ...numbers } = update;
    // Too long to pass anyway: dropped before the filter reads it, so a chatty plugin costs nothing.
    if (update.message.length > MAX_PROGRESS_MESSAGE_CHARS) return listener(numbers);
    let message: string | undefined;
    try {
      const filtered = filter.filter(update.message);
      if (filtered.blockedKinds === undefined && typeof filtered.body === 'string') message = filtered.body;
    } catch {
      // A progress listener must not throw; a message the filter could not read is not sent (fail closed).
    }
    listener(message === undefined ? numbers : { ...numbers, message });
  };
}
