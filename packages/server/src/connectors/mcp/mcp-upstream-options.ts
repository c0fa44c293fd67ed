import { DEFAULT_RESTART_BACKOFF, type RestartBackoff } from './restart-backoff.js';

/** Tuning for supervised MCP upstreams; every field has a production default. */
export interface McpUpstreamOptions {
  readonly backoff?: Partial<RestartBackoff>;
  /** Deadline for spawning/connecting and the initialize handshake (default 30 s: `npx`-style launches are slow). */
  readonly connectTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace for a stdio child (default 5 s). */
  readonly stopGraceMs?: number;
  /** HTTP transports: ping interval to notice a dead server (default 30 s; 0 = off). */
  readonly healthCheckIntervalMs?: number;
  /** stdio: the largest single message accepted from the child (default 10 MB, the SDK's). */
  readonly maxMessageBytes?: number;
  /** How much of a child's stderr is kept (default 16 K characters). */
  readonly stderrTailChars?: number;
  /** `tools/list` pages read before giving up (default 100). */
  readonly maxListPages?: number;
  /** Deadline for a whole paginated `tools/list` (default 30 s). */
  readonly listTimeoutMs?: number;
  readonly clientInfo?: { readonly name: string; readonly version: string };
  /** Source of jitter (tests may fix it). */
  readonly random?: () => number;
}

export type ResolvedMcpUpstreamOptions = Required<Omit<McpUpstreamOptions, 'backoff' | 'random'>> & {
  readonly backoff: RestartBackoff;
  readonly random: () => number;
};

export function resolveMcpUpstreamOptions(options: McpUpstreamOptions): ResolvedMcpUpstreamOptions {
  return {
    backoff: { ...DEFAULT_RESTART_BACKOFF, ...options.backoff },
    connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    stopGraceMs: options.stopGraceMs ?? 5_000,
    healthCheckIntervalMs: options.healthCheckIntervalMs ?? 30_000,
    maxMessageBytes: options.maxMessageBytes ?? 10 * 1024 * 1024,
    stderrTailChars: options.stderrTailChars ?? 16_384,
    maxListPages: options.maxListPages ?? 100,
    listTimeoutMs: options.listTimeoutMs ?? 30_000,
    clientInfo: options.clientInfo ?? { name: 'toolgate', version: '0.1.0' },
    random: options.random ?? Math.random,
  };
}
