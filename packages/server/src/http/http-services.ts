import type { AdminContext } from '../admin/admin-context.js';
import type { ChatEngineDeps } from '../agent/chat-turn.js';
import type { ApprovalDeps } from '../approvals/approval-deps.js';
import type { ProtectedResource } from '../auth/protected-resource.js';
import type { MetricsEndpoint } from '../monitor/gateway-metrics.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import type { CircuitReset, CircuitStates } from '../ports/circuit-states.js';

/** What the HTTP surface needs: the pipeline for tool calls, the admin context for the admin API. */
export interface HttpServices {
  readonly pipeline: PipelineDeps;
  readonly admin: AdminContext;
  /** The chat surface's engine: model providers and the step limit. */
  readonly chat: ChatEngineDeps;
  readonly bodyLimitBytes: number;
  readonly version: string;
  /** Path of the console's built index.html (a placeholder until the console issue). */
  readonly consoleIndexPath: string;
  /** Present when `auth.oauth` is configured: the .well-known metadata and every 401's challenge come from it. */
  readonly protectedResource?: ProtectedResource;
  /** The approval workflow (`/v1/approvals`); absent, calls needing approval are refused with APPROVAL_REQUIRED. */
  readonly approvals?: ApprovalDeps;
  /** Per-plugin circuit breaker states for the admin plugin answers (absent, they are left out), dropped with their plugin. */
  readonly circuits?: CircuitStates & CircuitReset;
  /** `GET /metrics`; absent when `metrics.enabled` is off. `public`: served without authentication. */
  readonly metrics?: { readonly endpoint: MetricsEndpoint; readonly public: boolean };
}
