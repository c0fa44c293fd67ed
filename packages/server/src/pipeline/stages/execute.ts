import type { ApprovedCall, ExecutedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/** Runs the call upstream through the plugin's connector; credentials are the connector's business. */
export async function execute(deps: PipelineDeps, call: ApprovedCall): Promise<ExecutedCall> {
  const upstream = await deps.executor.execute({
    plugin: call.plugin,
    tool: call.tool,
    args: call.validArgs,
    timeoutMs: call.plugin.timeoutMs,
    maxResponseBytes: deps.settings.maxResponseBytes,
    ...(call.onProgress !== undefined ? { onProgress: call.onProgress } : {}),
  });
  return { ...call, upstream };
}
