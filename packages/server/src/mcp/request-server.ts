import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { progressRelay } from './progress-relay.js';
import { callTool, listToolsPage, type McpRequestContext } from './tool-handlers.js';

/**
 * A low-level SDK `Server` for one HTTP request (stateless transport): nothing of a session lives in it, so
 * any node can serve any request. Raw JSON Schema throughout: no zod work per tool.
 */
/**
 * Shared by every request's Server: the SDK would otherwise build a new Ajv instance per Server, which
 * cost more than the rest of a tool call. (It only checks elicitation answers, which we never request.)
 */
const sharedSchemaValidator = new AjvJsonSchemaValidator();

export function buildRequestServer(ctx: McpRequestContext, instructions?: string): Server {
  const server = new Server(
    { name: 'toolgate', title: 'Toolgate', version: ctx.services.settings.serverVersion },
    {
      capabilities: { tools: { listChanged: true } },
      jsonSchemaValidator: sharedSchemaValidator,
      ...(instructions !== undefined ? { instructions } : {}),
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => listToolsPage(ctx, request.params?.cursor));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const relay = progressRelay(request.params._meta?.progressToken, extra.sendNotification);
    try {
      return await callTool(ctx, request.params.name, request.params.arguments, relay?.onProgress);
    } finally {
      // Progress after the result would be a protocol error: send what is held back now, then stop.
      await relay?.settle();
    }
  });
  return server;
}

/**
 * The plugin's own instructions for the initialize result, labelled as the plugin's: they are its author's
 * untrusted text, passed on, not Toolgate's word.
 */
export function labelledInstructions(plugin: string, text: string): string {
  return (
    `The following instructions come from the plugin "${plugin}", written by its author; Toolgate passes them ` +
    `on unchanged and does not vouch for them. Tools run only as Toolgate's policies allow.\n\n${text}`
  );
}
