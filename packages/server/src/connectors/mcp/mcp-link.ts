import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { McpConnection } from '../../core/plugin.js';
import type { EgressPolicy } from '../egress-policy.js';
import type { BoundedTextTail } from './bounded-text-tail.js';
import { createGuardedFetch, type GuardedFetch } from './guarded-fetch.js';
import { classifyMcpFailure, type McpFailure } from './mcp-error.js';
import { stdioEnvironment } from './stdio-environment.js';
import { UpstreamProgress } from './upstream-progress.js';

// After SIGKILL the kernel reaps at once; this only bounds the wait if something is badly wrong.
const AFTER_KILL_WAIT_MS = 5_000;
// Ending an HTTP session is a courtesy to the server; shutdown must not wait on a dead one.
const TERMINATE_SESSION_WAIT_MS = 1_000;

export interface McpLinkOptions {
  /** Names the upstream in audit-only reasons. */
  readonly label: string;
  readonly egress: EgressPolicy;
  readonly connectTimeoutMs: number;
  /** How long a stdio child gets after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
  /** HTTP transports only: ping this often to notice a dead server without traffic; 0 turns it off. */
  readonly healthCheckIntervalMs: number;
  /** stdio only: the largest single JSON-RPC message read from the child. */
  readonly maxMessageBytes: number;
  /** Receives a stdio child's stderr. */
  readonly stderr: BoundedTextTail;
  readonly clientInfo: { readonly name: string; readonly version: string };
  readonly onToolsChanged: () => void;
  /** The link broke by itself (child exited, stream dropped, ping failed); called at most once, never after close(). */
  readonly onLost: (error: GatewayError) => void;
}

/** What the server said about itself at initialization. */
export interface McpServerDescription {
  readonly name?: string;
  readonly version?: string;
  readonly title?: string;
  readonly description?: string;
  readonly websiteUrl?: string;
  /** The server's `instructions` for models: untrusted text from the plugin's author. */
  readonly instructions?: string;
}

/** Records the child's pid at spawn, since the SDK forgets it as soon as the child closes. */
class PidRecordingStdioTransport extends StdioClientTransport {
  spawnedPid: number | undefined;

  override async start(): Promise<void> {
    await super.start();
    this.spawnedPid = this.pid ?? undefined;
  }
}

/**
 * One live connection to an MCP server: an SDK `Client` over one transport (for stdio, one child
 * process). Not restarted here: `McpUpstream` supervises links and replaces a lost one.
 */
export class McpLink {
  readonly client: Client;
  /** Routes this connection's progress notifications to the calls that asked for them. */
  readonly progress: UpstreamProgress;
  private readonly transport: Transport;
  private readonly stdio: PidRecordingStdioTransport | undefined;
  private readonly pool: GuardedFetch | undefined;
  private exited = false;
  private readonly childClosed: Promise<void>;
  private closing: Promise<void> | undefined;
  private lost = false;
  // Until the handshake succeeds, failures are reported by connect()'s rejection, not as a loss.
  private connected = false;
  private verifying = false;
  private healthTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: McpConnection,
    private readonly opts: McpLinkOptions,
  ) {
    this.client = new Client({ name: opts.clientInfo.name, version: opts.clientInfo.version }, { capabilities: {} });
    this.progress = new UpstreamProgress(this.client);
    let markClosed = (): void => undefined;
    this.childClosed = new Promise((resolve) => (markClosed = resolve));
    if (connection.transport === 'stdio') {
      this.stdio = new PidRecordingStdioTransport({
        command: connection.command,
        args: [...connection.args],
        env: stdioEnvironment(connection.env),
        ...(connection.cwd === undefined ? {} : { cwd: connection.cwd }),
        stderr: 'pipe',
        maxBufferSize: opts.maxMessageBytes,
      });
      this.stdio.stderr?.on('data', (chunk: Buffer) => opts.stderr.append(chunk.toString('utf8')));
      this.transport = this.stdio;
    } else {
      this.pool = createGuardedFetch(opts.egress);
      const url = new URL(connection.url);
      // No requestInit and no authProvider: the SDK sends only its own protocol headers, never a caller's.
      this.transport =
        connection.transport === 'sse'
          ? new SSEClientTransport(url, { fetch: this.pool.fetch })
          : new StreamableHTTPClientTransport(url, { fetch: this.pool.fetch });
    }
    // Set before connect: the SDK's Protocol chains its own handler after this one.
    this.transport.onclose = () => {
      this.exited = true;
      markClosed();
    };
    this.client.onclose = () => this.reportLost(new GatewayError('UPSTREAM_UNREACHABLE', { reason: `${opts.label}: connection closed` }));
    // Any transport error may or may not be fatal (a stream hiccup vs a dead server); a ping decides.
    this.client.onerror = () => void this.verify();
  }

  /** Runs the MCP initialization handshake; on failure the link is closed and a GatewayError thrown. */
  async connect(): Promise<void> {
    try {
      await this.client.connect(this.transport, { timeout: this.opts.connectTimeoutMs });
    } catch (err) {
      const { error } = this.classify(err, 'connect', this.opts.connectTimeoutMs);
      await this.close();
      throw error;
    }
    if (this.closing !== undefined || this.lost || this.exited) {
      await this.close();
      throw new GatewayError('UPSTREAM_UNREACHABLE', { reason: `${this.opts.label}: closed while connecting` });
    }
    this.connected = true;
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.opts.onToolsChanged());
    if (this.connection.transport !== 'stdio' && this.opts.healthCheckIntervalMs > 0) {
      this.healthTimer = setInterval(() => void this.verify(), this.opts.healthCheckIntervalMs);
      this.healthTimer.unref();
    }
  }

  /** The stdio child's pid while it runs. */
  get pid(): number | undefined {
    return this.exited ? undefined : this.stdio?.spawnedPid;
  }

  get isBroken(): boolean {
    return this.lost || this.closing !== undefined;
  }

  describeServer(): McpServerDescription {
    const info = this.client.getServerVersion();
    const instructions = this.client.getInstructions();
    return {
      ...(info === undefined
        ? {}
        : {
            name: info.name,
            version: info.version,
            ...(info.title === undefined ? {} : { title: info.title }),
            ...(info.description === undefined ? {} : { description: info.description }),
            ...(info.websiteUrl === undefined ? {} : { websiteUrl: info.websiteUrl }),
          }),
      ...(instructions === undefined ? {} : { instructions }),
    };
  }

  /**
   * Runs one operation on the client, mapping failures to the error table. A transport-level failure
   * also marks the link lost, so the supervisor rebuilds it.
   */
  async run<T>(what: string, timeoutMs: number, op: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await op(this.client);
    } catch (err) {
      const failure = this.classify(err, what, timeoutMs);
      if (failure.linkBroken) this.reportLost(failure.error);
      throw failure.error;
    }
  }

  /** Closes the link; for stdio, SIGTERM, then SIGKILL after the grace period, and waits until reaped. Idempotent. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.healthTimer);
    if (this.stdio !== undefined) await this.killChild(this.stdio.spawnedPid);
    if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId !== undefined && !this.lost) {
      await withinMs(
        this.transport.terminateSession().catch(() => undefined),
        TERMINATE_SESSION_WAIT_MS,
      );
    }
    await this.client.close().catch(() => undefined);
    await this.pool?.close();
  }

  private async killChild(pid: number | undefined): Promise<void> {
    if (pid === undefined || this.exited) return;
    signal(pid, 'SIGTERM');
    if (await withinMs(this.childClosed, this.opts.stopGraceMs)) return;
    signal(pid, 'SIGKILL');
    await withinMs(this.childClosed, AFTER_KILL_WAIT_MS);
  }

  private async verify(): Promise<void> {
    if (this.verifying || this.isBroken || !this.connected) return;
    this.verifying = true;
    try {
      await this.client.ping({ timeout: this.opts.connectTimeoutMs });
    } catch (err) {
      if (this.closing === undefined) this.reportLost(this.classify(err, 'ping', this.opts.connectTimeoutMs).error);
    } finally {
      this.verifying = false;
    }
  }

  private classify(err: unknown, what: string, timeoutMs: number): McpFailure {
    const refusal = this.pool?.takeRefusal();
    if (refusal !== undefined) return { error: refusal, linkBroken: true };
    return classifyMcpFailure(err, `${this.opts.label} ${what}`, timeoutMs);
  }

  private reportLost(error: GatewayError): void {
    if (this.lost || this.closing !== undefined || !this.connected) return;
    this.lost = true;
    this.opts.onLost(error);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: it exited between our check and the signal.
  }
}

/** Whether `promise` settled within `ms`. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
