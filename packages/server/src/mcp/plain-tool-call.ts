import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { isRecord } from '../plugins/json-value.js';
import { callTool, type McpRequestContext } from './tool-handlers.js';

/** A `tools/call` request the gateway answers itself. */
export interface PlainToolCall {
  readonly id: string | number;
  readonly name: string;
  readonly args: Record<string, unknown> | undefined;
}

const PARAM_KEYS = new Set(['name', 'arguments', '_meta']);

/**
 * The hot request of /mcp is one `tools/call` without a progress token. Building an SDK `Server` and a
 * Streamable HTTP transport (Web streams, a Request copy) for it cost more than the whole governed call,
 * so such a request is answered here, with the bytes the SDK's transport would write. Anything else —
 * batches, other methods, progress tokens, unknown parameters, headers the transport would refuse — is
 * not "plain" and goes through the SDK unchanged, so its checks and errors stay the SDK's.
 */
export function asPlainToolCall(message: unknown, headers: IncomingHttpHeaders): PlainToolCall | undefined {
  const accept = headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  const version = headers['mcp-protocol-version'];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) return undefined;
  if (!isRecord(message) || message['jsonrpc'] !== '2.0' || message['method'] !== 'tools/call') return undefined;
  const id = message['id'];
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isSafeInteger(id))) return undefined;
  const params = message['params'];
  if (!isRecord(params) || typeof params['name'] !== 'string') return undefined;
  if (Object.keys(params).some((key) => !PARAM_KEYS.has(key))) return undefined;
  const args = params['arguments'];
  if (args !== undefined && !isRecord(args)) return undefined;
  const meta = params['_meta'];
  if (meta !== undefined && (!isRecord(meta) || 'progressToken' in meta)) return undefined;
  return { id, name: params['name'], args };
}

/** Runs the call through the same handler as the SDK path and writes one SSE `message` event, as the transport does. */
export async function answerPlainToolCall(ctx: McpRequestContext, call: PlainToolCall, res: ServerResponse): Promise<void> {
  let answer: Record<string, unknown>;
  try {
    answer = { result: await callTool(ctx, call.name, call.args), jsonrpc: '2.0', id: call.id };
  } catch (thrown) {
    // The SDK's Protocol turns a handler's exception into a JSON-RPC error the same way.
    const err = thrown as { code?: unknown; message?: string; data?: unknown };
    const code = typeof err.code === 'number' && Number.isSafeInteger(err.code) ? err.code : -32603;
    const error = { code, message: err.message ?? 'Internal error', ...(err.data !== undefined ? { data: err.data } : {}) };
    answer = { jsonrpc: '2.0', id: call.id, error };
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.end(`event: message\ndata: ${JSON.stringify(answer)}\n\n`);
}
