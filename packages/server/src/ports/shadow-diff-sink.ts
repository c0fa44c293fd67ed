import type { ShadowDiff } from '../core/shadow-diff.js';

/** Where the authorizer records shadow differences; durable, and never on the call's critical path. */
export interface ShadowDiffSink {
  record(diff: ShadowDiff): Promise<void>;
}
