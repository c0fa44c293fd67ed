import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { fallbackCause } from './fallback-cause.js';

describe('fallback cause', () => {
  it('answers for a plugin that is down, slow, overloaded or failing with a 5xx', () => {
    for (const code of ['UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_CIRCUIT_OPEN', 'UPSTREAM_BUSY'] as const)
      expect(fallbackCause(new GatewayError(code))).toBe(code);
    expect(fallbackCause(new GatewayError('UPSTREAM_ERROR', { details: { status: 500 } }))).toBe('UPSTREAM_ERROR');
  });

  it('leaves request, policy and protocol failures alone', () => {
    expect(fallbackCause(new GatewayError('UPSTREAM_ERROR'))).toBeUndefined();
    expect(fallbackCause(new GatewayError('UPSTREAM_REDIRECT'))).toBeUndefined();
    expect(fallbackCause(new GatewayError('EGRESS_BLOCKED'))).toBeUndefined();
    expect(fallbackCause(new GatewayError('INTERNAL'))).toBeUndefined();
    expect(fallbackCause(new Error('boom'))).toBeUndefined();
  });
});
