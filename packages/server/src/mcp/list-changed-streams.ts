import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { toGatewayError } from '../core/gateway-error.js';
import { listTools } from '../pipeline/list-tools.js';
import { authenticate } from '../pipeline/stages/authenticate.js';
import type { McpSessionRecord } from '../ports/mcp-session-store.js';
import { endpointTools } from './endpoint-tools.js';
import type { McpServices } from './mcp-services.js';
import type { McpSessionGate } from './session-gate.js';

/** Changes come in bursts (an import reloads the catalog, then a grant refreshes grants): recompute once. */
const COALESCE_MS = 20;
const LIST_CHANGED = `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })}\n\n`;
const AUTH_CODES = new Set(['AUTH_MISSING', 'AUTH_INVALID', 'AUTH_REVOKED', 'AUTH_EXPIRED']);

interface OpenStream {
  session: McpSessionRecord;
  readonly credential: string | null;
  readonly res: ServerResponse;
  fingerprint: string;
  readonly keepAlive: NodeJS.Timeout;
}

/**
 * The server-to-client SSE streams of sessions (GET /mcp), which carry `notifications/tools/list_changed`
 * when, and only when, the tools that session's caller may see have changed. What a caller sees is asked of
 * `listTools`, as for tools/list. Only the open sockets live in memory; the sessions themselves are stored.
 * The change feed is in-process: with several nodes it must come over Redis pub/sub (not built yet).
 */
export class ListChangedStreams {
  private readonly streams = new Map<string, OpenStream>();
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = false;
  private closed = false;
  /** Counts changes, so a stream opened while one was being announced does not miss it. */
  private generation = 0;

  constructor(
    private readonly services: McpServices,
    private readonly gate: McpSessionGate,
  ) {
    this.unsubscribe = services.visibilityChanges.subscribe(() => {
      this.generation += 1;
      this.schedule();
    });
  }

  /**
   * What the caller sees now, taken before the stream opens (so a refused credential still gets a normal
   * error answer). Throws a GatewayError when the credential no longer works.
   */
  async snapshot(credential: string | null, scope: string, requestId: string): Promise<{ fingerprint: string; generation: number }> {
    const generation = this.generation;
    return { fingerprint: await this.fingerprint(credential, scope, requestId), generation };
  }

  private async fingerprint(credential: string | null, scope: string, requestId: string): Promise<string> {
    const { entries } = await listTools(this.services.pipeline, { credential, surface: 'mcp', requestId });
    const hash = createHash('sha256');
    for (const { name, entry } of endpointTools(entries, scope)) hash.update(`${name}\u0000${entry.tool.definitionHash}\n`);
    return hash.digest('hex');
  }

  /** Serves `res` (already hijacked) as the session's stream; a session's earlier stream is closed. */
  open(
    session: McpSessionRecord,
    credential: string | null,
    { fingerprint, generation }: { fingerprint: string; generation: number },
    res: ServerResponse,
    requestId: string,
  ): void {
    if (this.closed) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': requestId,
    });
    // A first comment sends the headers now, so the client knows the stream is open.
    res.write(': toolgate notifications\n\n');
    this.streams.get(session.idHash)?.res.end();
    const stream: OpenStream = {
      session,
      credential,
      res,
      fingerprint,
      keepAlive: setInterval(() => void this.keepAlive(stream), this.services.settings.keepAliveSeconds * 1000),
    };
    this.streams.set(session.idHash, stream);
    res.on('close', () => this.drop(stream));
    if (generation !== this.generation) this.schedule();
  }

  /** Ends the stream of a session that was ended (DELETE). */
  closeSession(idHash: string): void {
    this.streams.get(idHash)?.res.end();
  }

  /** On shutdown: ends every stream, so the HTTP server can close, and stops listening for changes. */
  closeAll(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const stream of [...this.streams.values()]) stream.res.end();
  }

  get size(): number {
    return this.streams.size;
  }

  private drop(stream: OpenStream): void {
    clearInterval(stream.keepAlive);
    if (this.streams.get(stream.session.idHash) === stream) this.streams.delete(stream.session.idHash);
  }

  /**
   * A comment keeps proxies from closing an idle stream; an open stream keeps its session alive — but only while
   * its credential still works: a key or token that expired (no change event announces that) ends the stream.
   */
  private async keepAlive(stream: OpenStream): Promise<void> {
    try {
      await authenticate(this.services.pipeline, {
        credential: stream.credential,
        toolName: '',
        args: undefined,
        surface: 'mcp',
        requestId: 'mcp-stream-keep-alive',
      });
    } catch (thrown) {
      const err = toGatewayError(thrown);
      if (AUTH_CODES.has(err.code)) {
        stream.res.end();
        return;
      }
      this.services.pipeline.logger.warn({ err: err.reason ?? err.message }, 'could not re-check an MCP stream credential');
      return;
    }
    stream.res.write(': keep-alive\n\n');
    try {
      stream.session = await this.gate.touchIfDue(stream.session);
    } catch (err) {
      this.services.pipeline.logger.warn({ err: String(err) }, 'could not extend an MCP session from its stream');
    }
  }

  private schedule(): void {
    if (this.closed || this.streams.size === 0 || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, COALESCE_MS);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.dirty = false;
        for (const stream of [...this.streams.values()]) await this.recompute(stream);
      } while (this.dirty && !this.closed);
    } finally {
      this.running = false;
    }
  }

  private async recompute(stream: OpenStream): Promise<void> {
    try {
      // The session may have been ended or have expired, possibly through another node.
      if ((await this.gate.reread(stream.session.idHash)) === undefined) {
        stream.res.end();
        return;
      }
      const next = await this.fingerprint(stream.credential, stream.session.scope, 'list-changed');
      if (next === stream.fingerprint) return;
      stream.fingerprint = next;
      stream.res.write(LIST_CHANGED);
    } catch (thrown) {
      const err = toGatewayError(thrown);
      // A key revoked or expired since the stream opened: the stream ends with it.
      if (AUTH_CODES.has(err.code)) stream.res.end();
      else this.services.pipeline.logger.error({ err: err.reason ?? err.message }, 'could not recompute an MCP client’s tools');
    }
  }
}
