/** JSON-RPC over MCP Streamable HTTP, as a stateless client sends it (no initialize, no session). */
export const MCP_PROTOCOL_VERSION = '2025-11-25';

export function mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MCP_PROTOCOL_VERSION,
    ...extra,
  };
}

export function toolsCallBody(name: string, args: Record<string, unknown>, id = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
}

export function toolsListBody(cursor: string | undefined, id = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params: cursor === undefined ? {} : { cursor } });
}

interface JsonRpcAnswer {
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string };
}

/** The JSON-RPC answer in a POST's body: plain JSON, or the `data:` of a short SSE stream. */
export function parseMcpAnswer(body: string): JsonRpcAnswer {
  const text = body.trimStart().startsWith('{')
    ? body
    : body
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .find((data) => data.startsWith('{'));
  if (text === undefined) throw new Error(`no JSON-RPC message in MCP answer: ${body.slice(0, 300)}`);
  return JSON.parse(text) as JsonRpcAnswer;
}

/** A successful tools/call result (no JSON-RPC error, not isError), or an error naming what came instead. */
export function toolResult(body: string): Record<string, unknown> {
  const answer = parseMcpAnswer(body);
  if (answer.error !== undefined || answer.result === undefined || answer.result['isError'] === true) {
    throw new Error(`tools/call failed: ${body.slice(0, 500)}`);
  }
  return answer.result;
}
