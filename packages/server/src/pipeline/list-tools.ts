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
  const { principal, entries } = await listToolsAfter(deps, req, { after: undefined, size: Number.POSITIVE_INFINITY });
  return { principal, entries };
}

/**
 * One page of the tools a caller may invoke, in catalog (name) order after `after`: decided by the same
 * visibility rule as `listTools`, but only for as many tools as the page needs, so a page of a 10,000-tool
 * catalog does not decide all 10,000. `include` narrows the catalog first (an endpoint's plugin).
 * `more` says whether a visible tool follows the page.
 */
export async function listToolsAfter(
  deps: PipelineDeps,
  req: Pick<CallRequest, 'credential' | 'surface' | 'requestId'>,
  page: { after: string | undefined; size: number; include?: (entry: CatalogEntry) => boolean },
): Promise<{ principal: Principal; entries: CatalogEntry[]; more: boolean }> {
  const { principal } = await authenticate(deps, { ...req, toolName: '', args: undefined });
  const all = deps.catalog.list();
  const entries: CatalogEntry[] = [];
  for (let i = page.after === undefined ? 0 : firstAfter(all, page.after); i < all.length; i++) {
    const entry = all[i] as CatalogEntry;
    if (page.include !== undefined && !page.include(entry)) continue;
    if (!toolVisibility(deps, principal, entry).visible) continue;
    if (entries.length === page.size) return { principal, entries, more: true };
    entries.push(entry);
  }
  return { principal, entries, more: false };
}

/** The index of the first entry named after `name` in the catalog's `localeCompare` order (binary search). */
function firstAfter(sorted: readonly CatalogEntry[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as CatalogEntry).tool.name.localeCompare(name) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
