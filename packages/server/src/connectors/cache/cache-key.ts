import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-digest.js';
import type { ExecutionRequest } from '../../ports/tool-executor.js';
import type { ActiveCacheRule } from './cache-settings.js';

/**
 * The key of one call's result: the plugin instance, its upstream and the tool's definition hash (a changed tool never
 * hits an old answer), the canonical arguments, and whose result it is: the caller's principal, or everyone
 * for a public tool. Undefined when the call has no caller scope: then it is not cached at all (fail closed).
 */
export function cacheKey(req: ExecutionRequest, rule: ActiveCacheRule): string | undefined {
  if (!rule.public && (req.cacheScope === undefined || req.cacheScope === '')) return undefined;
  const scope = rule.public ? 'public' : `principal:${req.cacheScope}`;
  // Where the plugin points is part of whose answer it is: a plugin moved to another server misses.
  const upstream = req.plugin.connection === undefined ? req.plugin.baseUrl : JSON.stringify(req.plugin.connection);
  const parts = [req.plugin.id, upstream, req.tool.name, req.tool.definitionHash, scope, canonicalJson(req.args)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
