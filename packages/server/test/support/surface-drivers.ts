import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorCode } from '../../src/core/errors.js';
import { postChat } from './chat-gateway.js';
import type { RecordedModelRequest, ScriptedModelServer, ScriptedReply } from './scripted-model-server.js';
import type { TestGateway } from './test-gateway.js';

/**
 * One driver per caller-facing surface, all with the same interface, so a test can ask every surface the
 * same question and compare the answers (DESIGN.md §1: visibility and decisions come from one function,
 * tested on every surface). Each driver turns its surface's own way of answering (HTTP status and error
 * body, JSON-RPC error or `isError` result, a tool event and the message fed back to the model) into
 * the same normalised `CallOutcome`, and sends the caller-chosen request id so the audit record of every
 * call can be found again.
 */

export type SurfaceName = 'rest' | 'mcp' | 'chat';
export type Args = Readonly<Record<string, unknown>>;

/**
 * `refused`: the gateway said no with an error code (not found, bad arguments, approval required,
 * policy denied, authentication…). `pending`: the call was parked for approval (APPROVAL_PENDING).
 * `tool_error`: the tool ran and reported a failure. `ok`: the tool ran and answered.
 */
export type Outcome = 'ok' | 'tool_error' | 'refused' | 'pending';

export interface CallOutcome {
  readonly outcome: Outcome;
  /** Set for `refused` and `pending`. */
  readonly code?: ErrorCode;
  /** Where a surface contradicted itself (e.g. its tool event and the result it fed the model differ). */
  readonly note?: string;
}

/** Tool names (full names, sorted), or the error code the listing was refused with. */
export type Listing = { readonly tools: readonly string[] } | { readonly refused: ErrorCode };

export interface Caller {
  readonly name: string;
  readonly key: string;
}

export interface SurfaceDriver {
  readonly surface: SurfaceName;
  /**
   * Opens whatever a real client of this surface keeps open per caller (an MCP session), while the
   * callers' keys are still valid: a key revoked later must then be refused on a session it opened.
   */
  prepare(callers: readonly Caller[]): Promise<void>;
  list(caller: Caller): Promise<Listing>;
  /** `requestId` is sent as X-Request-Id; the audit records of the call carry it. */
  call(caller: Caller, tool: string, args: Args, requestId: string): Promise<CallOutcome>;
  close(): Promise<void>;
}

/** APPROVAL_PENDING is the one error code that means "parked", not "refused". */
export function outcomeOfCode(code: ErrorCode): CallOutcome {
  return { outcome: code === 'APPROVAL_PENDING' ? 'pending' : 'refused', code };
}

/** `GET /v1/tools` and `POST /v1/tools/{name}/invoke`. */
export function restDriver(t: TestGateway): SurfaceDriver {
  return {
    surface: 'rest',
    prepare: async () => undefined,
    async list(caller) {
      const res = await t.api('GET', '/v1/tools', { key: caller.key });
      if (res.status !== 200) return { refused: errorCodeOf(res.body, `GET /v1/tools answered ${res.status}`) };
      return { tools: (res.body.tools as { name: string }[]).map((x) => x.name).sort() };
    },
    async call(caller, tool, args, requestId) {
      const res = await t.api('POST', `/v1/tools/${encodeURIComponent(tool)}/invoke`, {
        key: caller.key,
        body: { arguments: args },
        headers: { 'x-request-id': requestId },
      });
      if (res.status === 200) return { outcome: res.body.isError === true ? 'tool_error' : 'ok' };
      // 202: the call was recorded as an approval request and has not run; the body is the request's status.
      if (res.status === 202) {
        const parked = typeof res.body.approvalId === 'string' && res.body.status === 'pending';
        return { outcome: 'pending', code: 'APPROVAL_PENDING', ...(parked ? {} : { note: `202 with ${JSON.stringify(res.body)}` }) };
      }
      return outcomeOfCode(errorCodeOf(res.body, `invoke answered ${res.status}`));
    },
    close: async () => undefined,
  };
}

interface McpConnection {
  readonly client: Client;
  /** The X-Request-Id to send with the next request (one request at a time per caller). */
  requestId: string | undefined;
  /** Our error code from the last HTTP-level refusal (e.g. 401), which the SDK reports only as text. */
  httpRefusal: ErrorCode | undefined;
}

/** `/mcp` with the official SDK client: one client (and session) per caller, paged tools/list, tools/call. */
export function mcpDriver(t: TestGateway): SurfaceDriver {
  const connections = new Map<string, McpConnection>();

  const connect = async (caller: Caller): Promise<McpConnection> => {
    const client = new Client({ name: 'authorization-matrix', version: '1.0.0' });
    const connection: McpConnection = { client, requestId: undefined, httpRefusal: undefined };
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', t.url), {
      requestInit: { headers: { authorization: `Bearer ${caller.key}` } },
      fetch: async (url, init) => {
        const headers = new Headers(init?.headers);
        if (connection.requestId !== undefined && init?.method === 'POST') headers.set('x-request-id', connection.requestId);
        const res = await fetch(url, { ...init, headers });
        if (!res.ok && (res.headers.get('content-type') ?? '').includes('application/json')) {
          const body: unknown = await res
            .clone()
            .json()
            .catch(() => undefined);
          connection.httpRefusal = gatewayCode(body);
        }
        return res;
      },
    });
    // Errors of the background notification stream (it ends when a key is revoked) are not what we compare.
    client.onerror = () => undefined;
    await client.connect(transport);
    return connection;
  };

  const connectionOf = (caller: Caller): McpConnection => {
    const connection = connections.get(caller.name);
    if (!connection) throw new Error(`no MCP session for ${caller.name}: call prepare() first`);
    return connection;
  };

  /** What the SDK threw, as our error code: JSON-RPC errors carry it as data, HTTP refusals in the body. */
  const codeOfFailure = (connection: McpConnection, err: unknown): ErrorCode => {
    if (err instanceof McpError) {
      const code = gatewayCode({ error: err.data });
      if (code !== undefined) return code;
    }
    if (connection.httpRefusal !== undefined) return connection.httpRefusal;
    throw err;
  };

  return {
    surface: 'mcp',
    async prepare(callers) {
      for (const caller of callers) connections.set(caller.name, await connect(caller));
    },
    async list(caller) {
      const connection = connectionOf(caller);
      connection.httpRefusal = undefined;
      const names: string[] = [];
      try {
        let cursor: string | undefined;
        do {
          const page = await connection.client.listTools(cursor === undefined ? {} : { cursor });
          names.push(...page.tools.map((tool) => tool.name));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
      } catch (err) {
        return { refused: codeOfFailure(connection, err) };
      }
      return { tools: names.sort() };
    },
    async call(caller, tool, args, requestId) {
      const connection = connectionOf(caller);
      connection.httpRefusal = undefined;
      connection.requestId = requestId;
      try {
        const result = await connection.client.callTool({ name: tool, arguments: { ...args } });
        if (result.isError !== true) return { outcome: 'ok' };
        // Refusals the error table marks mcpToolError come back as results, with our code in _meta.
        const error = result._meta?.['toolgate/error'];
        const code = gatewayCode({ error });
        if (code === undefined) return { outcome: 'tool_error' };
        // A parked call is only useful to the caller with the id of its approval request.
        const parked = code !== 'APPROVAL_PENDING' || typeof field(field(error, 'details'), 'approvalId') === 'string';
        return { ...outcomeOfCode(code), ...(parked ? {} : { note: 'no approval id in _meta' }) };
      } catch (err) {
        return outcomeOfCode(codeOfFailure(connection, err));
      } finally {
        connection.requestId = undefined;
      }
    },
    async close() {
      for (const { client } of connections.values()) await client.close();
      connections.clear();
    },
  };
}

/** What a chat probe asks the scripted model to do; sent as the user message, so the model stays stateless. */
interface ChatProbe {
  readonly nonce: string;
  readonly tool?: string;
  readonly args?: Args;
}

const ENVELOPE = /^UNTRUSTED TOOL OUTPUT BEGIN ([0-9a-f]{24})\n(.*)\n---\n[\s\S]*\nUNTRUSTED TOOL OUTPUT END \1$/;

/**
 * `POST /v1/chat/completions` (streaming, with `X-Toolgate-Events: true`) against the scripted model. The
 * model is scripted to call exactly the probed tool with the probed arguments, then to answer. What the
 * model was offered is the tool list of the provider request; a call's decision is the finished
 * `toolgate.tool_call` event, checked against what was fed back to the model on the next step.
 */
export function chatDriver(t: TestGateway, model: ScriptedModelServer, modelName: string): SurfaceDriver {
  const offered = new Map<string, string[]>();
  const fedBack = new Map<string, string>();
  let listings = 0;

  // Stateless, so concurrent turns can take any queued step: everything it needs is in the request.
  const router = (request: RecordedModelRequest): ScriptedReply => {
    const messages = request.body.messages as { role: string; content: string | null }[];
    const user = messages.find((m) => m.role === 'user');
    const probe = JSON.parse(user?.content ?? '{}') as ChatProbe;
    const last = messages.at(-1);
    if (last?.role === 'tool') {
      fedBack.set(probe.nonce, last.content ?? '');
      return { content: 'done' };
    }
    const tools = (request.body.tools ?? []) as { function: { name: string } }[];
    offered.set(
      probe.nonce,
      tools.map((x) => x.function.name),
    );
    if (probe.tool === undefined) return { content: 'listed' };
    return { toolCalls: [{ id: `call_${probe.nonce}`, name: probe.tool, arguments: { ...probe.args } }] };
  };

  const turn = async (caller: Caller, probe: ChatProbe) => {
    // A turn asks the model at most twice; steps left over by shorter turns are harmless (see router).
    model.enqueue(router, router);
    const body = { model: modelName, stream: true, messages: [{ role: 'user', content: JSON.stringify(probe) }] };
    return postChat(t, caller.key, body, { 'x-toolgate-events': 'true', 'x-request-id': probe.nonce });
  };

  return {
    surface: 'chat',
    prepare: async () => undefined,
    async list(caller) {
      const nonce = `list-${caller.name}-${(listings += 1)}`;
      const res = await turn(caller, { nonce });
      if (res.status !== 200) return { refused: errorCodeOf(JSON.parse(res.text), `chat answered ${res.status}`) };
      const names = offered.get(nonce);
      if (names === undefined) throw new Error(`the model was not asked for ${nonce}`);
      return { tools: [...names].sort() };
    },
    async call(caller, tool, args, requestId) {
      const res = await turn(caller, { nonce: requestId, tool, args });
      // Refused before the model was asked (authentication): an ordinary JSON error.
      if (res.status !== 200) return outcomeOfCode(errorCodeOf(JSON.parse(res.text), `chat answered ${res.status}`));
      const streamError = res.events.find((e) => e.data.startsWith('{"error"'));
      if (streamError) throw new Error(`the chat turn failed mid-stream: ${streamError.data}`);
      const finished = res.events
        .filter((e) => e.event === 'toolgate.tool_call')
        .map((e) => JSON.parse(e.data) as { phase: string; callId: string; decision?: string; errorCode?: ErrorCode })
        .find((e) => e.phase === 'finished' && e.callId === `call_${requestId}`);
      if (!finished) throw new Error(`no finished tool event for ${requestId}: ${res.text.slice(0, 500)}`);
      const fed = fedBack.get(requestId);
      if (finished.errorCode === undefined) {
        const provenance = ENVELOPE.exec(fed ?? '')?.[2];
        if (provenance === undefined) return { outcome: 'refused', note: `allowed, but no enveloped result was fed back: ${String(fed)}` };
        return { outcome: (JSON.parse(provenance) as { isError: boolean }).isError ? 'tool_error' : 'ok' };
      }
      // The event, the message fed back and the turn's answer must tell the same story.
      const notes: string[] = [];
      const approvalStop = finished.errorCode === 'APPROVAL_REQUIRED' || finished.errorCode === 'APPROVAL_PENDING';
      if (approvalStop !== (finished.decision === 'approval_required')) notes.push(`tool event decision ${String(finished.decision)}`);
      if (approvalStop && fed !== undefined) notes.push('the turn went on after a call stopped for approval');
      if (!approvalStop && gatewayCode(fed === undefined ? undefined : JSON.parse(fed)) !== finished.errorCode) {
        notes.push(`the model was fed ${String(fed)}`);
      }
      if (finished.errorCode === 'APPROVAL_PENDING' && !pendingApprovalIds(res.events).some((id) => id !== null)) {
        notes.push('no approval id in toolgate.pendingApprovals');
      }
      return { ...outcomeOfCode(finished.errorCode), ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
    },
    close: async () => undefined,
  };
}

/** The approval ids the streamed answer's `toolgate.pendingApprovals` extension names. */
function pendingApprovalIds(events: readonly { data: string }[]): (string | null)[] {
  return events
    .filter((e) => e.data.includes('"pendingApprovals"'))
    .flatMap(
      (e) => (JSON.parse(e.data) as { toolgate?: { pendingApprovals?: { approvalId: string | null }[] } }).toolgate?.pendingApprovals ?? [],
    )
    .map((p) => p.approvalId);
}

/**
 * Our error code from an error body: `{error: {code}}` (REST, chat, MCP `_meta` and JSON-RPC error data as
 * the drivers wrap them) or a JSON-RPC error body, whose `error.code` is numeric and ours is in `error.data`.
 */
function gatewayCode(body: unknown): ErrorCode | undefined {
  const error = field(body, 'error');
  const code = field(error, 'code');
  if (typeof code === 'string') return code as ErrorCode;
  const data = field(field(error, 'data'), 'code');
  return typeof data === 'string' ? (data as ErrorCode) : undefined;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function errorCodeOf(body: unknown, what: string): ErrorCode {
  const code = gatewayCode(body);
  if (code === undefined) throw new Error(`${what} without an error code: ${JSON.stringify(body)}`);
  return code;
}
