import { describe, expect, it } from 'vitest';
import { riskTierForOperation } from './risk-tier.js';

describe('riskTierForOperation', () => {
  it('maps methods to tiers', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'TRACE'].map((m) => riskTierForOperation(m as 'GET'))).toEqual(Array(4).fill('read'));
    expect(['POST', 'PUT', 'PATCH'].map((m) => riskTierForOperation(m as 'POST'))).toEqual(Array(3).fill('write'));
    expect(riskTierForOperation('DELETE')).toBe('destructive');
  });

  it('x-openai-isConsequential raises to consequential, never lowers', () => {
    expect(riskTierForOperation('GET', { isConsequential: true })).toBe('consequential');
    expect(riskTierForOperation('POST', { isConsequential: true })).toBe('consequential');
    expect(riskTierForOperation('DELETE', { isConsequential: true })).toBe('destructive');
    expect(riskTierForOperation('POST', { isConsequential: false })).toBe('write');
  });
});
