import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorCode } from '../../core/errors.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { McpConnection } from '../../core/plugin.js';
import type { ProgressListener } from '../../ports/tool-executor.js';
import type { EgressPolicy } from '../egress-policy.js';
import { BoundedTextTail } from './bounded-text-tail.js';
import { McpLink, type McpServerDescription } from './mcp-link.js';
import { listAllTools } from './list-all-tools.js';
import { resolveMcpUpstreamOptions, type McpUpstreamOptions, type ResolvedMcpUpstreamOptions } from './mcp-upstream-options.js';
import { restartDelayMs } from './restart-backoff.js';

export type McpUpstreamState = 'starting' | 'ready' | 'down' | 'stopped';

/** A snapshot for the admin API. */
export interface McpUpstreamStatus {
  readonly status: McpUpstreamState;
  /** When `status` last changed (ISO 8601). */
  readonly since: string;
  /** Why the last connection failed or was lost; `reason` is internal (admin only, never for callers). */
  readonly lastError?: { readonly code: ErrorCode; readonly reason: string; readonly at: string };
  /** Connection attempts after the first one (a crashed child respawned, a lost HTTP session rebuilt). */
  readonly restarts: number;
  /** While `down`: when the next attempt is due (ISO 8601). */
  readonly nextAttemptAt?: string;
  /** The stdio child's pid while it runs. */
  readonly pid?: number;
  /** The last part of the stdio child's stderr, across restarts. */
  readonly stderrTail: string;
}

/** What `tools/call` answered. `isError: true` is the tool reporting a failure the model can read, not an error here. */
export interface McpToolResult {
  readonly content: CallToolResult['content'];
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

type Listener = () => void;

/**
 * One supervised MCP server connection. `start()` connects in the background; a child that exits or an
 * HTTP link that fails takes the upstream `down`, and it is reconnected with jittered exponential
 * backoff until `stop()`. Calls made while `starting` wait for the connection (within their deadline);
 * calls made while `down` fail at once with UPSTREAM_UNREACHABLE, which is retryable.
 */
export class McpUpstream {
  private state: McpUpstreamState = 'stopped';
  private since = new Date().toISOString();
  private lastError: { error: GatewayError; at: string } | undefined;
  private restarts = 0;
  private attempts = 0;
  private failuresInARow = 0;
  private readyAt: number | undefined;
  private nextAttemptAt: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private link: McpLink | undefined;
  private server: McpServerDescription | undefined;
  private readonly closing = new Set<Promise<void>>();
  private readonly stderr: BoundedTextTail;
  private readonly toolsChanged = new Set<Listener>();
  private readonly statusChanged = new Set<Listener>();
  private readonly options: ResolvedMcpUpstreamOptions;

  /** Throws EGRESS_BLOCKED when an HTTP connection's URL is not an absolute http(s) URL. Call `start()` to connect. */
  constructor(
    /** The plugin id this upstream serves. */
    readonly id: string,
    readonly connection: McpConnection,
    readonly egress: EgressPolicy,
    options: McpUpstreamOptions = {},
  ) {
    if (connection.transport !== 'stdio') assertHttpUrl(connection.url);
    this.options = resolveMcpUpstreamOptions(options);
    this.stderr = new BoundedTextTail(this.options.stderrTailChars);
  }

  /** Starts connecting in the background (idempotent). Use `waitUntilReady` to wait for it. */
  start(): void {
    if (this.state !== 'stopped') return;
    this.connect();
  }

  /** Stops supervision and closes the connection; a stdio child is terminated and reaped before this resolves. */
  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.nextAttemptAt = undefined;
    const link = this.link;
    this.link = undefined;
    if (link !== undefined) this.closing.add(link.close());
    this.setState('stopped');
    await Promise.all(this.closing);
  }

  /**
   * Resolves once `ready`. Rejects with UPSTREAM_UNREACHABLE after `timeoutMs` or when stopped, and
   * with `failFast`, at the first failed attempt with that attempt's error (e.g. EGRESS_BLOCKED).
   */
  waitUntilReady(timeoutMs: number, opts: { failFast?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: GatewayError): void => {
        clearTimeout(timer);
        unsubscribe();
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = (): void => {
        if (this.state === 'ready') finish();
        else if (this.state === 'stopped') finish(this.notRunning());
        else if (this.state === 'down' && opts.failFast === true) finish(this.lastError?.error ?? this.notRunning());
      };
      const timer = setTimeout(() => finish(this.notRunning(`not ready within ${timeoutMs} ms`)), timeoutMs);
      const unsubscribe = this.onStatusChange(check);
      check();
    });
  }

  /**
   * Every tool definition the server lists, following `nextCursor` to the end, as sent (unvalidated:
   * `importMcpTools` checks each one, so one bad tool does not hide the others).
   */
  async listTools(opts: { timeoutMs?: number } = {}): Promise<readonly unknown[]> {
    const timeoutMs = opts.timeoutMs ?? this.options.listTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const link = await this.readyLink(timeoutMs);
    return listAllTools(link, { deadline, maxPages: this.options.maxListPages, label: this.id });
  }

  /** Calls one tool. Throws GatewayError (UPSTREAM_TIMEOUT / UPSTREAM_UNREACHABLE / UPSTREAM_ERROR / EGRESS_BLOCKED). */
  async callTool(
    name: string,
    args: Readonly<Record<string, unknown>>,
    opts: { timeoutMs: number; signal?: AbortSignal; onProgress?: ProgressListener },
  ): Promise<McpToolResult> {
    const started = Date.now();
    const link = await this.readyLink(opts.timeoutMs);
    const remaining = Math.max(1, opts.timeoutMs - (Date.now() - started));
    const progress = opts.onProgress === undefined ? undefined : link.progress.open(opts.onProgress);
    const params = { name, arguments: { ...args }, ...(progress === undefined ? {} : { _meta: { progressToken: progress.token } }) };
    let result: CallToolResult;
    try {
      // Progress never extends the deadline (the SDK's resetTimeoutOnProgress stays off): the call's limit holds.
      result = await link.run(`tools/call ${name}`, remaining, (client) =>
        client.request({ method: 'tools/call', params }, CallToolResultSchema, {
          timeout: remaining,
          maxTotalTimeout: remaining,
          ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        }),
      );
    } finally {
      progress?.close();
    }
    return {
      content: result.content,
      ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
      ...(result.isError === undefined ? {} : { isError: result.isError }),
    };
  }

  /** What the server said about itself at the last successful initialization (name, version, instructions). */
  describeServer(): McpServerDescription | undefined {
    return this.server;
  }

  /**
   * Called when the server sends `notifications/tools/list_changed`, and after every reconnect (the
   * list may have changed while it was down). Listeners should re-sync with `listTools()`; several
   * notifications may arrive in a burst. Returns an unsubscribe function.
   */
  onToolsChanged(listener: Listener): () => void {
    this.toolsChanged.add(listener);
    return () => this.toolsChanged.delete(listener);
  }

  /** Called on every status transition. Returns an unsubscribe function. */
  onStatusChange(listener: Listener): () => void {
    this.statusChanged.add(listener);
    return () => this.statusChanged.delete(listener);
  }

  status(): McpUpstreamStatus {
    const pid = this.link?.pid;
    return {
      status: this.state,
      since: this.since,
      ...(this.lastError === undefined
        ? {}
        : {
            lastError: {
              code: this.lastError.error.code,
              reason: this.lastError.error.reason ?? this.lastError.error.message,
              at: this.lastError.at,
            },
          }),
      restarts: this.restarts,
      ...(this.nextAttemptAt === undefined ? {} : { nextAttemptAt: new Date(this.nextAttemptAt).toISOString() }),
      ...(pid === undefined ? {} : { pid }),
      stderrTail: this.stderr.toString(),
    };
  }

  private connect(): void {
    this.nextAttemptAt = undefined;
    if (this.attempts++ > 0) this.restarts++;
    this.setState('starting');
    const link: McpLink = new McpLink(this.connection, {
      label: `mcp upstream ${this.id}`,
      egress: this.egress,
      connectTimeoutMs: this.options.connectTimeoutMs,
      stopGraceMs: this.options.stopGraceMs,
      healthCheckIntervalMs: this.options.healthCheckIntervalMs,
      maxMessageBytes: this.options.maxMessageBytes,
      stderr: this.stderr,
      clientInfo: this.options.clientInfo,
      onToolsChanged: () => emit(this.toolsChanged),
      onLost: (error) => this.lost(link, error),
    });
    this.link = link;
    link.connect().then(
      () => {
        if (this.link !== link) return;
        this.readyAt = Date.now();
        this.server = link.describeServer();
        this.setState('ready');
        if (this.restarts > 0) emit(this.toolsChanged);
      },
      (err: unknown) => this.lost(link, err instanceof GatewayError ? err : new GatewayError('INTERNAL', { reason: String(err) })),
    );
  }

  /** A link failed to connect or broke later: close it (reaping a child) and schedule the next attempt. */
  private lost(link: McpLink, error: GatewayError): void {
    if (this.link !== link) return;
    this.link = undefined;
    const closing = link.close();
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
    this.lastError = { error, at: new Date().toISOString() };
    if (this.readyAt !== undefined && Date.now() - this.readyAt >= this.options.backoff.stableAfterMs) this.failuresInARow = 0;
    this.readyAt = undefined;
    const delay = restartDelayMs(this.failuresInARow++, this.options.backoff, this.options.random);
    this.nextAttemptAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => this.connect(), delay);
    // Supervision must not keep a process alive on its own; the gateway's server does that.
    this.retryTimer.unref();
    this.setState('down');
  }

  private async readyLink(timeoutMs: number): Promise<McpLink> {
    if (this.state === 'starting') await this.waitUntilReady(timeoutMs, { failFast: true });
    const link = this.link;
    if (this.state !== 'ready' || link === undefined || link.isBroken) {
      // A server the egress policy refused stays refused: never reported as merely unreachable, which a
      // fallback would answer for.
      if (this.state === 'down' && this.lastError?.error.code === 'EGRESS_BLOCKED') throw this.lastError.error;
      throw this.notRunning();
    }
    return link;
  }

  private notRunning(detail?: string): GatewayError {
    const last = this.lastError?.error.reason;
    const reason = `${this.id} is ${this.state}${detail === undefined ? '' : ` (${detail})`}${last === undefined ? '' : `; last error: ${last}`}`;
    if (this.state === 'stopped') {
      return new GatewayError('UPSTREAM_UNREACHABLE', {
        message: 'This MCP plugin is not running. An administrator must enable or restart it.',
        reason,
      });
    }
    return new GatewayError('UPSTREAM_UNREACHABLE', {
      message:
        'The MCP plugin is not available right now and is being restarted. Try again in a few seconds; if it persists, tell the plugin owner.',
      reason,
    });
  }

  private setState(state: McpUpstreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.since = new Date().toISOString();
    emit(this.statusChanged);
  }
}

/** A bad URL is a configuration error, reported when the upstream is created rather than retried forever. */
function assertHttpUrl(raw: string): void {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new GatewayError('EGRESS_BLOCKED', { reason: `MCP server URL "${raw}" is not an absolute http(s) URL` });
  }
}

function emit(listeners: ReadonlySet<Listener>): void {
  for (const listener of [...listeners]) {
    try {
      listener();
    } catch {
      // A listener's bug must not stop supervision or the other listeners.
    }
  }
}
