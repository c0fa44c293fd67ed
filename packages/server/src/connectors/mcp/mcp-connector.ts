import { GatewayError } from '../../core/gateway-error.js';
import type { ExecutionRequest, ToolExecutor } from '../../ports/tool-executor.js';
import type { ConnectorResult } from '../http-connector.js';
import { fitMcpResult } from './fit-mcp-result.js';
import type { McpUpstream } from './mcp-upstream.js';

/** Where the connector finds a plugin's running upstream (`McpUpstreams` is one). */
export interface McpUpstreamLookup {
  get(pluginId: string): McpUpstream | undefined;
}

/**
 * Executes MCP-bound tools: `tools/call` with the upstream's own tool name on the plugin's supervised
 * connection, within the call's deadline. Only the validated arguments travel; nothing of the caller's
 * request (headers, tokens) does. The result is handed on as JSON `{content, structuredContent?, isError?}`
 * with status 200: `isError: true` is the tool's own failure, which the model can read and correct, like
 * an HTTP 4xx. An answer over `maxResponseBytes` is cut (see `fitMcpResult`) and flagged `truncated`.
 */
export class McpConnector implements ToolExecutor {
  constructor(private readonly upstreams: McpUpstreamLookup) {}

  async execute(req: ExecutionRequest): Promise<ConnectorResult> {
    const { plugin, tool } = req;
    if (tool.binding.kind !== 'mcp') throw new GatewayError('INTERNAL', { reason: `${tool.name} is not an MCP tool` });
    const upstream = this.upstreams.get(plugin.id);
    if (upstream === undefined) {
      throw new GatewayError('UPSTREAM_UNREACHABLE', {
        message: 'This MCP plugin is not running. An administrator must enable or restart it.',
        reason: `no MCP upstream is running for plugin ${plugin.id} (${plugin.name})`,
      });
    }
    const result = await upstream.callTool(tool.binding.toolName, req.args, {
      timeoutMs: req.timeoutMs,
      ...(req.onProgress !== undefined ? { onProgress: req.onProgress } : {}),
    });
    const fitted = fitMcpResult(result, req.maxResponseBytes);
    return {
      status: 200,
      contentType: 'application/json',
      body: fitted.body,
      bytes: fitted.bytes,
      truncated: fitted.truncated,
      toolError: result.isError === true,
    };
  }
}
