/**
 * An MCP server with every tool the official conformance suite's server scenarios call
 * (`@modelcontextprotocol/conformance`, `conformance list --server`), each answering exactly as the
 * scenario's description asks. `scripts/conformance.ts` imports it into a gateway as the plugin
 * `conformance` and points the suite at `/mcp/conformance`; run on its own, it shows what a plain SDK
 * server passes, so the difference is what the gateway adds or loses.
 *
 * Streamable HTTP on loopback, stateful (one SDK `Server` per session): sampling and elicitation are
 * server-to-client requests whose answers must reach the session that asked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  isInitializeRequest,
  ListToolsRequestSchema,
  type CallToolResult,
  type ElicitRequestFormParams,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { CONFORMANCE_TOOLS, ELICITATION_FORMS } from './conformance-tools.js';

// A real 1x1 red PNG: the scenarios only check for data and a mime type, but clients may decode it.
const RED_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const STEP_MS = 50;
// Bodies are small JSON-RPC messages; a cap keeps a stray client from filling memory.
const MAX_BODY_BYTES = 1_000_000;

export interface ConformanceToolsServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the fixture on 127.0.0.1 and an ephemeral port. */
export async function startConformanceToolsServer(): Promise<ConformanceToolsServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    void route(req, res, sessions).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: String(err) }, id: null }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, sessions: Map<string, StreamableHTTPServerTransport>): Promise<void> {
  if (new URL(req.url ?? '/', 'http://fixture').pathname !== '/mcp') return void res.writeHead(404).end();
  const sessionId = req.headers['mcp-session-id'];
  const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  if (existing !== undefined) return existing.handleRequest(req, res, body);
  if (sessionId !== undefined || req.method !== 'POST' || !isInitializeRequest(body)) {
    res.writeHead(sessionId === undefined ? 400 : 404, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'unknown or missing session' }, id: null }));
  }
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => void sessions.set(id, transport),
  });
  transport.onclose = () => {
    if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
  };
  await conformanceServer().connect(transport);
  await transport.handleRequest(req, res, body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** One session's server: the tools of `CONFORMANCE_TOOLS`, with logging declared for `test_tool_with_logging`. */
function conformanceServer(): Server {
  const server = new Server({ name: 'toolgate-conformance-fixture', version: '1.0.0' }, { capabilities: { tools: {}, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: CONFORMANCE_TOOLS as Tool[] }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const args = request.params.arguments ?? {};
    const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
    const failure = (err: unknown): CallToolResult => ({
      content: [{ type: 'text', text: err instanceof Error ? err.message : String(err) }],
      isError: true,
    });
    switch (request.params.name) {
      case 'test_simple_text':
        return text('This is a simple text response for testing.');
      case 'test_image_content':
        return { content: [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }] };
      case 'test_audio_content':
        return { content: [{ type: 'audio', data: silentWav().toString('base64'), mimeType: 'audio/wav' }] };
      case 'test_embedded_resource':
        return {
          content: [
            {
              type: 'resource',
              resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
            },
          ],
        };
      case 'test_multiple_content_types':
        return {
          content: [
            { type: 'text', text: 'Multiple content types test:' },
            { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
            {
              type: 'resource',
              resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' },
            },
          ],
        };
      case 'test_tool_with_logging':
        for (const [i, data] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
          if (i > 0) await sleep(STEP_MS);
          // On the call's own SSE stream (related to this request). The session's log level is not applied: the
          // scenario sets `debug`, which `info` passes anyway.
          await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'conformance', data } });
        }
        return text('Tool with logging executed successfully');
      case 'test_tool_with_progress': {
        const progressToken = request.params._meta?.progressToken;
        for (const progress of [0, 50, 100]) {
          if (progress > 0) await sleep(STEP_MS);
          if (progressToken !== undefined) {
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
          }
        }
        return text(`Tool with progress executed successfully${progressToken === undefined ? ' (no progress token was given)' : ''}`);
      }
      case 'test_error_handling':
        return { content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }], isError: true };
      case 'test_sampling':
        try {
          const answer = await server.createMessage(
            { messages: [{ role: 'user', content: { type: 'text', text: String(args['prompt']) } }], maxTokens: 100 },
            { relatedRequestId: extra.requestId },
          );
          return text(`LLM response: ${answer.content.type === 'text' ? answer.content.text : JSON.stringify(answer.content)}`);
        } catch (err) {
          return failure(err);
        }
      case 'test_elicitation':
        return elicit(server, extra.requestId, { message: String(args['message']), requestedSchema: ELICITATION_FORMS.contact });
      case 'test_elicitation_sep1034_defaults':
        return elicit(server, extra.requestId, {
          message: 'Please review and update the form fields with defaults',
          requestedSchema: ELICITATION_FORMS.withDefaults,
        });
      case 'test_elicitation_sep1330_enums':
        return elicit(server, extra.requestId, {
          message: 'Please select options from the enum fields',
          requestedSchema: ELICITATION_FORMS.everyEnumKind,
        });
      case 'json_schema_2020_12_tool':
        return text(`Received: ${JSON.stringify(args)}`);
      case 'test_reconnection':
        // The SSE-polling scenario tests the endpoint's stream handling; the tool itself just answers a little later.
        await sleep(STEP_MS * 2);
        return text('Reconnection test completed successfully');
      default:
        return failure(`Unknown tool: ${request.params.name}`);
    }
  });
  return server;
}

/** Asks the client (through the session that called the tool) to fill in a form; a refusal is the tool's failure. */
async function elicit(server: Server, relatedRequestId: string | number, params: ElicitRequestFormParams): Promise<CallToolResult> {
  try {
    const result = await server.elicitInput(params, { relatedRequestId });
    return {
      content: [{ type: 'text', text: `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}` }],
    };
  } catch (err) {
    return { content: [{ type: 'text', text: `Elicitation failed: ${err instanceof Error ? err.message : String(err)}` }], isError: true };
  }
}

/** A valid WAV file: 8 kHz mono 8-bit, a tenth of a second of silence. */
function silentWav(): Buffer {
  const samples = 800;
  const wav = Buffer.alloc(44 + samples, 0x80);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24); // sample rate
  wav.writeUInt32LE(8000, 28); // byte rate
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples, 40);
  return wav;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
