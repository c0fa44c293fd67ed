import type { Tool } from './tool.js';

/** Why a tool waits for an admin before it can be called again. */
export type ReviewReasonKind = 'new' | 'changed' | 'binding_changed' | 'lint' | 'risk_claim';

export interface ReviewReason {
  readonly kind: ReviewReasonKind;
  readonly message: string;
  /** Description-lint findings, for `lint`. */
  readonly findings?: readonly unknown[];
}

/** A tool definition as it was when an admin approved it: what the review screen shows beside the new one. */
export type ToolSnapshot = Pick<
  Tool,
  'name' | 'title' | 'description' | 'inputSchema' | 'outputSchema' | 'annotations' | 'riskTier' | 'binding' | 'definitionHash'
>;

export interface ToolReviewState {
  readonly reasons: readonly ReviewReason[];
  readonly requestedAt: string;
}
