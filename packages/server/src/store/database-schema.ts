import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Portable on purpose (SQLite now, PostgreSQL later): ids are text,
 * times are ISO-8601 text (sortable), booleans are integers 0/1, JSON is text.
 */
export interface Database {
  principals: PrincipalRow;
  principal_roles: { principal_id: string; role: string };
  api_keys: ApiKeyRow;
  plugins: PluginRow;
  tools: ToolRow;
  grants: GrantRow;
  audit_events: AuditEventRow;
  meta: { key: string; value: string };
  mcp_sessions: McpSessionRow;
  approvals: ApprovalRow;
  policies: PolicyRow;
  policy_changes: PolicyChangeRow;
}

export interface PrincipalRow {
  id: string;
  name: string;
  kind: string;
  disabled: number;
  /** JSON object of policy attributes (migration 0004). */
  attributes: string;
  created_at: string;
}

export interface ApiKeyRow {
  id: string;
  principal_id: string;
  name: string;
  hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface PluginRow {
  id: string;
  name: string;
  kind: string;
  title: string;
  description: string;
  base_url: string;
  allow_private_network: number;
  timeout_ms: number;
  status: string;
  source: string;
  created_at: string;
  updated_at: string;
  instructions: string | null;
  credential_requirements: string | null;
  connection: string | null;
  synced_at: string | null;
}

export interface ToolRow {
  id: string;
  plugin_id: string;
  name: string;
  source_name: string;
  title: string | null;
  description: string;
  input_schema: string;
  output_schema: string | null;
  annotations: string | null;
  risk_tier: string;
  binding: string;
  definition_hash: string;
  status: string;
  created_at: string;
  approved_hash: string | null;
  approved_definition: string | null;
  review: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  updated_at: string | null;
}

export interface GrantRow {
  id: string;
  subject_type: string;
  subject: string;
  target_type: string;
  target: string;
  environment: string;
  effect: string;
  require_approval: number;
  /** JSON array of GrantAction (migration 0004). */
  actions: string;
  expires_at: string | null;
  created_at: string;
}

export interface AuditEventRow {
  seq: Generated<number>;
  call_id: string;
  time: string;
  type: string;
  surface: string;
  request_id: string;
  environment: string;
  principal_id: string | null;
  principal_name: string | null;
  action: string;
  plugin_name: string | null;
  tool_hash: string | null;
  decision: string;
  reason: string | null;
  error_code: string | null;
  outcome: string;
  upstream_status: number | null;
  latency_ms: number;
  args_digest: string | null;
}

export interface McpSessionRow {
  id_hash: string;
  principal_id: string;
  scope: string;
  protocol_version: string;
  client_name: string | null;
  client_version: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A conditional Cedar policy (migration 0004). */
export interface PolicyRow {
  id: string;
  name: string;
  description: string;
  target_type: string;
  target: string;
  cedar: string;
  status: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** One policy change; `version` is the policy version the change produced (monotonic). */
export interface PolicyChangeRow {
  version: number;
  policy_id: string;
  action: string;
  cedar: string | null;
  actor: string;
  time: string;
}

/** One approval request (migration 0005); JSON columns hold canonical JSON. */
export interface ApprovalRow {
  id: string;
  requester_id: string;
  requester_name: string;
  tool_name: string;
  plugin_name: string;
  definition_hash: string;
  args: string;
  args_digest: string;
  edited_args: string | null;
  edited_args_digest: string | null;
  policy_version: number;
  reason: string;
  surface: string;
  status: string;
  required_approvals: number;
  decisions: string;
  expires_at: string;
  idempotency_key: string | null;
  outcome: string | null;
  created_at: string;
  decided_at: string | null;
  executed_at: string | null;
  version: number;
}
