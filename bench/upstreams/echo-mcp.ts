/**
 * The bench's MCP upstream over stdio, on the official SDK's low-level `Server` (raw JSON Schema, no zod
 * work per call): one tool, `echo`, answering {@link echoItem} as text and as structuredContent.
 * Fronted by both the gateway (stdio MCP plugin) and mcp-proxy, so both serve the same upstream.
 *
 *   node --import tsx bench/upstreams/echo-mcp.ts
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { ECHO_ITEM_SCHEMA, echoItem } from './echo-item.js';

const server = new Server({ name: 'bench-echo', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [
    {
      name: 'echo',
      description: 'Return the benchmark item with the given id.',
      inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false },
      outputSchema: ECHO_ITEM_SCHEMA,
      annotations: { readOnlyHint: true },
    },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, (request) => {
  const id = request.params.arguments?.['id'];
  if (request.params.name !== 'echo' || typeof id !== 'string') {
    return { isError: true, content: [{ type: 'text' as const, text: 'echo needs {id: string}' }] };
  }
  const item = echoItem(id);
  return { content: [{ type: 'text' as const, text: JSON.stringify(item) }], structuredContent: item };
});
await server.connect(new StdioServerTransport());
