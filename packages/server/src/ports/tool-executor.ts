import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';

/** What an upstream answered, before output filtering. */
export interface UpstreamResult {
  readonly status: number;
  readonly contentType: string;
  /** Parsed JSON when the upstream sent JSON, otherwise text. */
  readonly body: unknown;
  /** Size of the raw body in bytes. */
  readonly bytes: number;
  /** The tool reported its own failure in a successful answer (MCP `isError: true`); like an HTTP 4xx. */
  readonly toolError?: boolean;
  /** How many times the call was sent upstream, when it was retried (more than 1). */
  readonly attempts?: number;
}

/** One progress report of a running call, as the upstream sent it (MCP `notifications/progress`). */
export interface ExecutionProgress {
  readonly progress: number;
  readonly total?: number;
  /** Free text written by the plugin: untrusted, unfiltered. */
  readonly message?: string;
}

/** Receives a running call's progress; must not throw, and is never awaited. */
export type ProgressListener = (update: ExecutionProgress) => void;

export interface ExecutionRequest {
  readonly plugin: Plugin;
  readonly tool: Tool;
  readonly args: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Set when the caller asked for progress; connectors that cannot report any ignore it. */
  readonly onProgress?: ProgressListener;
}

/**
 * Runs a validated, authorized call upstream (connectors implement it). Throws a GatewayError
 * with an UPSTREAM_* or EGRESS_BLOCKED code; an upstream 4xx is a result, not an error.
 */
export interface ToolExecutor {
  execute(req: ExecutionRequest): Promise<UpstreamResult>;
}
