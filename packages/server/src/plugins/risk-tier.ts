import { riskTierAtLeast, type HttpMethod, type RiskTier } from '../core/tool.js';

const METHOD_TIERS: Record<HttpMethod, RiskTier> = {
  GET: 'read',
  HEAD: 'read',
  OPTIONS: 'read',
  TRACE: 'read',
  POST: 'write',
  PUT: 'write',
  PATCH: 'write',
  DELETE: 'destructive',
};

/**
 * The risk tier an HTTP operation starts with. Spec hints may only raise it:
 * `x-openai-isConsequential: true` means "the user must confirm", so at least `consequential`.
 */
export function riskTierForOperation(method: HttpMethod, hints: { isConsequential?: boolean } = {}): RiskTier {
  const tier = METHOD_TIERS[method];
  return hints.isConsequential === true ? riskTierAtLeast(tier, 'consequential') : tier;
}
