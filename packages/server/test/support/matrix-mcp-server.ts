/**
 * A small, side-effect-free MCP server over stdio for the authorization matrix: the second plugin, so the
 * matrix covers tools executed by the MCP connector as well as the HTTP one. Its tools cover the outcomes
 * the matrix compares: a plain answer, a tool error (`isError`), a destructive tool (approval by risk tier),
 * and closed input schemas (so bad arguments give ARGS_INVALID and extra ones ARGS_UNKNOWN). Nothing it
 * does changes its tool list, so visibility stays fixed while the matrix runs.
 * Run with `node --import tsx matrix-mcp-server.ts`.
 */
import { fileURLToPath } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpConnection } from '../../src/core/plugin.js';

const closed = (properties: Record<string, object>, required: string[]): Tool['inputSchema'] => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const CONTACT_ID = { type: 'string', pattern: '^con_[0-9a-z]+$' };

const tools: Tool[] = [
  { name: 'find_contact', description: 'Finds a contact by id.', inputSchema: closed({ contactId: CONTACT_ID }, ['contactId']) },
  {
    name: 'add_note',
    description: 'Adds a note to a contact.',
    inputSchema: closed({ contactId: CONTACT_ID, text: { type: 'string', minLength: 1, maxLength: 200 } }, ['contactId', 'text']),
  },
  {
    name: 'erase_contact',
    description: 'Erases a contact for good.',
    inputSchema: closed({ contactId: CONTACT_ID }, ['contactId']),
    annotations: { destructiveHint: true },
  },
  { name: 'sync_status', description: 'Reports the CRM sync status (always failing).', inputSchema: closed({}, []) },
];

/** How the gateway starts this server (resolved from the repository root, like the connector fixtures). */
export function matrixMcpStdio(): McpConnection {
  const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
  return {
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', fileURLToPath(import.meta.url)],
    env: {},
    cwd: repoRoot,
  };
}

async function serve(): Promise<void> {
  const server = new Server({ name: 'matrix-crm', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, (request): CallToolResult => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case 'find_contact':
        return { content: [{ type: 'text', text: `contact ${String(args['contactId'])}` }] };
      case 'add_note':
        return { content: [{ type: 'text', text: 'noted' }] };
      case 'erase_contact':
        return { content: [{ type: 'text', text: 'erased' }] };
      default:
        return { content: [{ type: 'text', text: 'the CRM sync is failing' }], isError: true };
    }
  });
  await server.connect(new StdioServerTransport());
}

// Imported by the test for `matrixMcpStdio`; serves only when run as the child process.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await serve();
