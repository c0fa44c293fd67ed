import type { McpUpstreams } from '../connectors/mcp/mcp-upstreams.js';
import type { Clock } from '../ports/clock.js';
import type { PluginLocks } from './plugin-locks.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { ApiKeyStore } from '../store/api-key-store.js';
import type { AuditStore } from '../store/audit-store.js';
import type { CachedToolCatalog } from '../store/cached-tool-catalog.js';
import type { GrantStore } from '../store/grant-store.js';
import type { MetaStore } from '../store/meta-store.js';
import type { PluginStore } from '../store/plugin-store.js';
import type { PrincipalStore } from '../store/principal-store.js';
import type { GrantIndex } from '../policy/grant-index.js';
import type { PolicyAdmin } from '../policy/policy-admin.js';
import type { PolicyAuthorizer } from '../policy/policy-authorizer.js';
import type { VisibilityChangeFeed } from '../ports/visibility-changes.js';

/** The stores and caches administrative use cases work on (wired in main.ts). */
export interface AdminContext {
  readonly principals: PrincipalStore;
  readonly keys: ApiKeyStore;
  readonly plugins: PluginStore;
  readonly grants: GrantStore;
  readonly auditLog: AuditStore;
  readonly meta: MetaStore;
  readonly catalog: CachedToolCatalog;
  readonly grantIndex: GrantIndex;
  /** Conditional Cedar policies: validated saves, versions, the generated schemas. */
  readonly policies: PolicyAdmin;
  /** The gateway's one authorizer (grants, then the tool's policies), for explanations and approvals. */
  readonly authorizer: PolicyAuthorizer;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** Fetches a spec or manifest through the SSRF-safe fetcher. */
  readonly fetchText: (url: string, allowPrivateNetwork: boolean) => Promise<string>;
  readonly defaultTimeoutMs: number;
  /** The environment audit records of administrative work name. */
  readonly environment: string;
  /** Whether admins may add MCP servers the gateway runs as commands (config `mcp.allowStdio`). */
  readonly allowStdioMcp: boolean;
  /** Serialises syncs and review decisions per plugin. */
  readonly locks: PluginLocks;
  /** The supervised MCP server connections, one per MCP plugin. */
  readonly mcp: McpUpstreams;
  /** Where work that runs outside a request (MCP re-syncs) reports failures: logged, never thrown. */
  readonly onBackgroundError: (err: unknown, context: Record<string, string>) => void;
  /** Told when grants change what callers may see (the catalog tells it about tool changes itself). */
  readonly visibilityChanges: VisibilityChangeFeed;
}

/** Reload the in-memory grant index after a grant change (the hot path reads only the index). */
export async function refreshGrants(ctx: AdminContext): Promise<void> {
  ctx.grantIndex.load(await ctx.grants.list());
  ctx.visibilityChanges.emit();
}
