import type { ExecutionRequest, ToolExecutor, UpstreamResult } from '../ports/tool-executor.js';

/** The one executor the pipeline sees: each call goes to the connector for its tool's binding kind. */
export class ExecutorByBinding implements ToolExecutor {
  constructor(private readonly connectors: { readonly http: ToolExecutor; readonly mcp: ToolExecutor }) {}

  execute(req: ExecutionRequest): Promise<UpstreamResult> {
    return req.tool.binding.kind === 'mcp' ? this.connectors.mcp.execute(req) : this.connectors.http.execute(req);
  }
}
