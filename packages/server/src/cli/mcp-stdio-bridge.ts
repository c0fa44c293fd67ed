import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { perRequestSignalFetch } from './per-request-signal-fetch.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

export interface StdioBridgeOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:8787. */
  readonly url: string;
  /** The caller's API key: sent to the gateway only, as a bearer token. */
  readonly key: string;
  /** Serve one plugin's endpoint (`/mcp/{plugin}`) instead of every tool (`/mcp`). */
  readonly plugin?: string;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Where diagnostics go; stdout belongs to the protocol. */
  readonly log?: (line: string) => void;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** JSON-RPC "internal error" when the gateway could not be asked at all; our own codes travel in the message. */
const BRIDGE_ERROR = -32603;

/**
 * `toolgate mcp --stdio`: a desktop client that only speaks stdio talks to a running gateway's `/mcp`.
 * Messages are relayed as they are, both ways, so the gateway stays the only place that authenticates,
 * authorizes and audits; the bridge adds the API key and nothing else. Resolves when stdin closes.
 */
export async function bridgeStdioToGateway(opts: StdioBridgeOptions): Promise<void> {
  const log = opts.log ?? ((line: string) => void process.stderr.write(`toolgate mcp: ${line}\n`));
  const endpoint = new URL(opts.plugin !== undefined ? `/mcp/${encodeURIComponent(opts.plugin)}` : '/mcp', opts.url);
  const warning = plainHttpWarning(endpoint);
  if (warning !== undefined) log(warning);
  const gateway = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { authorization: `Bearer ${opts.key}` } },
    // The bridge lives as long as the desktop client: nothing may pile up per relayed message.
    fetch: perRequestSignalFetch(),
  });
  const local = new StdioServerTransport(opts.stdin, opts.stdout);
  const initializeIds = new Set<RequestId>();

  const replyError = (id: RequestId, err: unknown): void => {
    const message = describeGatewayError(err, endpoint);
    log(message);
    void local.send({ jsonrpc: '2.0', id, error: { code: BRIDGE_ERROR, message } }).catch(() => undefined);
  };

  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    gateway.send(message).catch((err: unknown) => {
      if (isJSONRPCRequest(message)) replyError(message.id, err);
      else log(describeGatewayError(err, endpoint));
    });
  };
  gateway.onmessage = (message: JSONRPCMessage) => {
    // Later requests must carry the negotiated MCP-Protocol-Version header, as an SDK client's would.
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') gateway.setProtocolVersion(version);
    }
    void local.send(message).catch((err: unknown) => log(`cannot write to stdout: ${String(err)}`));
  };
  gateway.onerror = (err: Error) => log(describeGatewayError(err, endpoint));

  await gateway.start();
  const closed = new Promise<void>((resolve) => {
    local.onclose = () => resolve();
    (opts.stdin ?? process.stdin).once('end', () => resolve());
  });
  await local.start();
  await closed;
  // Ends the gateway session too, so it does not linger until its idle expiry.
  await gateway.terminateSession().catch(() => undefined);
  await gateway.close();
}

/** The key is a bearer secret: say so when it would cross a network in clear text (loopback is fine). */
export function plainHttpWarning(endpoint: URL): string | undefined {
  const host = endpoint.hostname;
  if (endpoint.protocol !== 'http:' || LOOPBACK_HOSTS.has(host) || host.startsWith('127.')) return undefined;
  return `warning: the API key goes to ${endpoint.host} over plain HTTP; use https:// for a gateway on another machine.`;
}

/** One line a person can act on: our error code and message when the gateway sent one. */
function describeGatewayError(err: unknown, endpoint: URL): string {
  if (err instanceof StreamableHTTPError) {
    const body = /\{.*\}/s.exec(err.message)?.[0];
    const parsed = body !== undefined ? safeJson(body) : undefined;
    const ours = (parsed as { error?: { code?: unknown; message?: unknown; data?: { code?: unknown } } } | undefined)?.error;
    // /mcp answers refusals in JSON-RPC with our code as data; the REST body has it as the code itself.
    const code = typeof ours?.data?.code === 'string' ? ours.data.code : ours?.code;
    if (typeof code === 'string' && typeof ours?.message === 'string') return `${code}: ${ours.message}`;
    if (typeof ours?.message === 'string') return `gateway answered HTTP ${err.code ?? '?'}: ${ours.message}`;
    return `gateway answered HTTP ${err.code ?? '?'} at ${endpoint.href}: ${err.message}`;
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
  return `cannot reach the gateway at ${endpoint.href} (${cause}). Start it with "toolgate serve" or set TOOLGATE_URL.`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
