import type { ApprovalDeps } from '../approvals/approval-deps.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import type { McpSessionStore } from '../ports/mcp-session-store.js';
import type { VisibilityChanges } from '../ports/visibility-changes.js';

export interface McpSurfaceSettings {
  /** Browser origins allowed to call /mcp (config `mcp.allowedOrigins`); requests without Origin are allowed. */
  readonly allowedOrigins: readonly string[];
  /** Idle lifetime of a session (config `mcp.sessionTtlSeconds`). */
  readonly sessionTtlSeconds: number;
  /** Seconds between keep-alives on a notification stream, each re-checking the credential (config `mcp.keepAliveSeconds`). */
  readonly keepAliveSeconds: number;
  /** Tools per tools/list page (config `mcp.pageSize`). */
  readonly pageSize: number;
  /** Reported as `serverInfo.version`. */
  readonly serverVersion: string;
}

/** What the MCP surface needs, wired by main.ts: the pipeline, where sessions live, and the change feed. */
export interface McpServices {
  readonly pipeline: PipelineDeps;
  readonly sessions: McpSessionStore;
  readonly visibilityChanges: VisibilityChanges;
  readonly settings: McpSurfaceSettings;
  /** The approval workflow: pending calls answer with their approval id, and `toolgate_approval_status` is listed. */
  readonly approvals?: ApprovalDeps;
}
