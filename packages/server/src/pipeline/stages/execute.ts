import type { ApprovedCall, ExecutedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';
import { filteredProgress } from './filter-output.js';

/** Runs the call upstream through the plugin's connector; credentials are the connector's business. */
export async function execute(deps: PipelineDeps, call: ApprovedCall): Promise<ExecutedCall> {
  const upstream = await deps.executor.execute({
    plugin: call.plugin,
    tool: call.tool,
    args: call.validArgs,
    timeoutMs: call.plugin.timeoutMs,
    maxResponseBytes: deps.settings.maxResponseBytes,
    cacheScope: call.principal.id,
    ...(call.onProgress !== undefined ? { onProgress: filteredProgress(deps, call, call.onProgress) } : {}),
  });
  return { ...call, upstream };
}
