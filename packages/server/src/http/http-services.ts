import type { AdminContext } from '../admin/admin-context.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';

/** What the HTTP surface needs: the pipeline for tool calls, the admin context for the admin API. */
export interface HttpServices {
  readonly pipeline: PipelineDeps;
  readonly admin: AdminContext;
  readonly bodyLimitBytes: number;
  readonly version: string;
  /** Path of the console's built index.html (a placeholder until the console issue). */
  readonly consoleIndexPath: string;
}
