import type { ErrorCode } from '../core/errors.js';
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
  /** The upstream sent more than `maxResponseBytes`; `body` is what was read so far (connectors always say). */
  readonly truncated?: boolean;
  /** Set when the response cache served or stored the result (read tools with a configured TTL). */
  readonly cache?: CacheInfo;
  /** Set when the upstream failed and a configured fallback answered instead. */
  readonly fallback?: FallbackInfo;
}

/**
 * `hit`: served from cache; `shared`: the answer of an identical call that was in flight (sent nothing
 * upstream; not stored when it was an error); `miss`: fetched (and stored when cacheable); `stale`: an
 * expired entry served as a fallback.
 */
export interface CacheInfo {
  readonly status: 'hit' | 'shared' | 'miss' | 'stale';
  readonly ageMs: number;
}

/** What answered in place of a failed upstream, and the failure's code. */
export type FallbackInfo =
  | { readonly kind: 'stale'; readonly cause: ErrorCode; readonly ageSeconds: number }
  | { readonly kind: 'message'; readonly cause: ErrorCode };

/**
 * A plugin's progress `message` passes only up to this length; a longer one is dropped (numbers kept)
 * before anything reads it. It is the plugin's own free text and reaches the caller (and maybe its
 * model); the pipeline redacts secrets and personal data in it as in results, but not the other output
 * filters (injection scoring), so it stays short.
 */
export const MAX_PROGRESS_MESSAGE_CHARS = 120;

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
  /** Whose results these are (the principal id): cached results are shared only within it, unless the tool is public. None: not cached. */
  readonly cacheScope?: string;
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
