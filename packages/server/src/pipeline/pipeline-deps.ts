import type { RiskTier } from '../core/tool.js';
import type { AccessTokenVerifier } from '../ports/access-token-verifier.js';
import type { ApprovalRequests } from '../ports/approval-requests.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Authorizer } from '../ports/authorizer.js';
import type { CallObserver } from '../ports/call-observer.js';
import type { Clock } from '../ports/clock.js';
import type { CredentialStore } from '../ports/credential-store.js';
import type { Logger } from '../ports/logger.js';
import type { OutputFilter } from '../ports/output-filter.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { ToolCatalog } from '../ports/tool-catalog.js';
import type { ToolExecutor } from '../ports/tool-executor.js';

export interface PipelineSettings {
  /** The environment this gateway serves; grants are matched against it. */
  readonly environment: string;
  /** Tools of these tiers need approval before they run. */
  readonly approvalTiers: readonly RiskTier[];
  /** Characters of output returned to the caller before the truncation marker. */
  readonly maxOutputChars: number;
  /** Hard cap on bytes read from an upstream response. */
  readonly maxResponseBytes: number;
}

/** Everything `runToolCall` needs, wired by the composition root (main.ts). */
export interface PipelineDeps {
  readonly credentials: CredentialStore;
  /** Present when `auth.oauth` is configured: bearer credentials that are not API keys are verified as access tokens. */
  readonly accessTokens?: AccessTokenVerifier;
  readonly catalog: ToolCatalog;
  readonly authorizer: Authorizer;
  readonly rateLimiter: RateLimiter;
  readonly executor: ToolExecutor;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: PipelineSettings;
  /** Secrets and personal data in results and progress messages (config `guard`), resolved per tool. */
  readonly outputFilter: OutputFilter;
  /** Where calls that need approval are recorded; without it such calls are refused with APPROVAL_REQUIRED. */
  readonly approvals?: ApprovalRequests;
  /** Told of every finished call (metrics); absent when `metrics.enabled` is off. */
  readonly observer?: CallObserver;
}
