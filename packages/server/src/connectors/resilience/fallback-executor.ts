import type { GatewayError } from '../../core/gateway-error.js';
import type { ExecutionRequest, ToolExecutor, UpstreamResult } from '../../ports/tool-executor.js';
import { fallbackCause } from './fallback-cause.js';
import { fallbackFor, type ResilienceSettings } from './resilience-settings.js';

/** Where an expired cached result of the same call can be found (the response cache). */
export interface StaleResults {
  /** The stored result of this exact call (same tool definition, arguments and caller scope) if still kept for errors. */
  staleFor(req: ExecutionRequest): { readonly result: UpstreamResult; readonly ageMs: number } | undefined;
}

/**
 * Answers for a plugin that is down or slow, as configured per plugin or tool (`resilience.*.fallback`):
 * a stale cached result of the same call when allowed (read tools only: an old answer to a write is no
 * answer), else a configured message as a tool error, else the original error. Failures of the request
 * itself (4xx, redirects, blocked egress) always reach the caller unchanged.
 */
export class FallbackExecutor implements ToolExecutor {
  constructor(
    private readonly inner: ToolExecutor,
    private readonly settings: ResilienceSettings,
    private readonly stale: StaleResults,
  ) {}

  async execute(req: ExecutionRequest): Promise<UpstreamResult> {
    try {
      return await this.inner.execute(req);
    } catch (err) {
      const cause = fallbackCause(err);
      if (cause === undefined) throw err;
      const rule = fallbackFor(this.settings, req.plugin.name, req.tool.name);
      const kept = rule.staleCache === true && req.tool.riskTier === 'read' ? this.stale.staleFor(req) : undefined;
      if (kept !== undefined) {
        return {
          ...kept.result,
          cache: { status: 'stale', ageMs: kept.ageMs },
          fallback: { kind: 'stale', cause, ageSeconds: Math.floor(kept.ageMs / 1000) },
        };
      }
      if (rule.message === undefined) throw err;
      return {
        status: statusOf(err as GatewayError),
        contentType: 'text/plain; charset=utf-8',
        body: rule.message,
        bytes: Buffer.byteLength(rule.message, 'utf8'),
        toolError: true,
        fallback: { kind: 'message', cause },
      };
    }
  }
}

/** The status the caller would have got without the fallback: the upstream's 5xx, else the error's own. */
function statusOf(err: GatewayError): number {
  return err.upstreamStatus ?? err.httpStatus;
}
