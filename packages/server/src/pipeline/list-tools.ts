import type { Principal } from '../core/principal.js';
import type { CatalogEntry } from '../ports/tool-catalog.js';
import type { CallRequest } from './call-types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { authenticate } from './stages/authenticate.js';
import { toolVisibility } from './tool-visibility.js';

/**
 * The tools a caller may invoke: exactly those `resolveTool` would accept, decided by the same
 * authorizer, so listing can never show more (or less) than calling allows.
 */
export async function listTools(
  deps: PipelineDeps,
  req: Pick<CallRequest, 'credential' | 'surface' | 'requestId'>,
): Promise<{ principal: Principal; entries: CatalogEntry[] }> {
  const { principal } = await authenticate(deps, { ...req, toolName: '', args: undefined });
  const entries = deps.catalog.list().filter((entry) => toolVisibility(deps, principal, entry).visible);
  return { principal, entries };
}
