import { PaginatedResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { McpLink } from './mcp-link.js';

/**
 * Reads `tools/list` page by page, following `nextCursor`, within one deadline and at most `maxPages`
 * pages (a server that never stops paginating, or repeats a cursor, gets a clear UPSTREAM_ERROR).
 * Pages are parsed with the SDK's lenient result schema, not its `ListToolsResultSchema`, which would
 * reject a whole page for one malformed tool; `importMcpTools` judges each tool instead.
 */
export async function listAllTools(link: McpLink, opts: { deadline: number; maxPages: number; label: string }): Promise<unknown[]> {
  const tools: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < opts.maxPages; page++) {
    const remaining = Math.max(1, opts.deadline - Date.now());
    const params = cursor === undefined ? undefined : { cursor };
    const result = await link.run('tools/list', remaining, (client) =>
      client.request({ method: 'tools/list', params }, PaginatedResultSchema, { timeout: remaining }),
    );
    const pageTools: unknown = result['tools'];
    if (!Array.isArray(pageTools)) throw badAnswer(opts.label, 'a tools/list page has no "tools" array');
    tools.push(...(pageTools as unknown[]));
    if (result.nextCursor === undefined) return tools;
    if (seen.has(result.nextCursor)) throw badAnswer(opts.label, `tools/list returned cursor "${result.nextCursor}" twice`);
    seen.add(result.nextCursor);
    cursor = result.nextCursor;
  }
  throw new GatewayError('UPSTREAM_ERROR', {
    message: `The MCP plugin lists more than ${opts.maxPages} pages of tools, so Toolgate stopped reading. Tell the plugin owner.`,
    reason: `${opts.label}: tools/list still had a nextCursor after ${opts.maxPages} pages`,
  });
}

function badAnswer(label: string, reason: string): GatewayError {
  return new GatewayError('UPSTREAM_ERROR', { reason: `${label}: ${reason}` });
}
