import type { RiskTier } from '../../core/tool.js';

/** The tier an MCP tool is imported with, and what the admin should know about its hints. */
export interface McpRiskAssessment {
  readonly tier: RiskTier;
  /** Set when the server's hints asked for something not applied automatically. */
  readonly warning?: string;
}

/**
 * MCP annotations come from the server, so they are untrusted: they may raise a tool's tier, never
 * lower it. Every MCP tool starts at `write` (it may do anything; the spec's own default is "may
 * modify, may destroy"), but is not made `destructive` unless the server says so explicitly, or every
 * unannotated tool would need the strictest approval. `destructiveHint: true` on a tool not claimed
 * read-only raises it to `destructive`. `readOnlyHint: true` would lower it to `read`: that is left to
 * an admin's review, with a warning. Only real booleans count; `"true"` is not a hint.
 */
export function riskTierForMcpTool(annotations: Readonly<Record<string, unknown>> | undefined): McpRiskAssessment {
  const readOnly = annotations?.['readOnlyHint'] === true;
  const destructive = annotations?.['destructiveHint'] === true;
  if (destructive && !readOnly) return { tier: 'destructive' };
  if (readOnly && destructive) {
    return {
      tier: 'write',
      warning:
        'The server marks this tool both read-only and destructive, which contradict each other; it was imported as "write". Review what it does before approving it.',
    };
  }
  if (readOnly) {
    return {
      tier: 'write',
      warning:
        'The server claims this tool is read-only (readOnlyHint). Server hints are not trusted to lower a tier, so it was imported as "write"; an admin may lower it to "read" on review.',
    };
  }
  return { tier: 'write' };
}
