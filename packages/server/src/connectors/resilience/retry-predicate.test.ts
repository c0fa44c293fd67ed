import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import type { HttpMethod, RiskTier, Tool } from '../../core/tool.js';
import { isBreakerFailure, isRetryableFailure, isSafeToRetry } from './retry-predicate.js';

function tool(riskTier: RiskTier, binding: Tool['binding']): Tool {
  return { riskTier, binding } as Tool;
}
const http = (method: HttpMethod): Tool['binding'] => ({ kind: 'http', method, path: '/x', parameters: [] });

describe('retry predicate', () => {
  it('retries read tools and idempotent HTTP methods only', () => {
    expect(isSafeToRetry(tool('read', http('POST')))).toBe(true);
    expect(isSafeToRetry(tool('read', { kind: 'mcp', toolName: 'x' }))).toBe(true);
    for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'] as const) expect(isSafeToRetry(tool('write', http(m)))).toBe(true);
    expect(isSafeToRetry(tool('write', http('POST')))).toBe(false);
    expect(isSafeToRetry(tool('write', http('PATCH')))).toBe(false);
    expect(isSafeToRetry(tool('destructive', { kind: 'mcp', toolName: 'x' }))).toBe(false);
  });

  it('retries unreachable, timeout and 502/503/504, nothing else', () => {
    expect(isRetryableFailure(new GatewayError('UPSTREAM_UNREACHABLE'))).toBe(true);
    expect(isRetryableFailure(new GatewayError('UPSTREAM_TIMEOUT'))).toBe(true);
    for (const status of [502, 503, 504])
      expect(isRetryableFailure(new GatewayError('UPSTREAM_ERROR', { details: { status } }))).toBe(true);
    expect(isRetryableFailure(new GatewayError('UPSTREAM_ERROR', { details: { status: 500 } }))).toBe(false);
    expect(isRetryableFailure(new GatewayError('UPSTREAM_ERROR'))).toBe(false);
    expect(isRetryableFailure(new GatewayError('UPSTREAM_REDIRECT'))).toBe(false);
    expect(isRetryableFailure(new GatewayError('EGRESS_BLOCKED'))).toBe(false);
    expect(isRetryableFailure(new Error('boom'))).toBe(false);
  });

  it('counts only upstream failures against the breaker', () => {
    expect(isBreakerFailure(new GatewayError('UPSTREAM_TIMEOUT'))).toBe(true);
    expect(isBreakerFailure(new GatewayError('UPSTREAM_ERROR', { details: { status: 500 } }))).toBe(true);
    expect(isBreakerFailure(new GatewayError('EGRESS_BLOCKED'))).toBe(false);
    expect(isBreakerFailure(new GatewayError('INTERNAL'))).toBe(false);
    // A refused redirect is the egress policy, not an outage.
    expect(isBreakerFailure(new GatewayError('UPSTREAM_REDIRECT'))).toBe(false);
  });
});
