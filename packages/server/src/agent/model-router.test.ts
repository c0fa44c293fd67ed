import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { modelRouterFromConfig } from './model-router.js';

const provider = (name: string, models: string[], apiKeyEnv?: string) => ({
  name,
  baseUrl: `https://${name}.example.com/v1/`,
  models,
  timeoutMs: 1000,
  ...(apiKeyEnv ? { apiKeyEnv } : {}),
});

describe('modelRouterFromConfig', () => {
  it('prefers a provider naming the model exactly over an earlier "*" provider', () => {
    const router = modelRouterFromConfig([provider('any', ['*']), provider('exact', ['gpt-x'])], {});
    expect(router.resolve('gpt-x').name).toBe('exact');
    expect(router.resolve('something-else').name).toBe('any');
    expect(router.listModels()).toEqual([{ model: 'gpt-x', provider: 'exact' }]);
  });

  it('refuses an unknown model with MODEL_NOT_FOUND naming it', () => {
    const router = modelRouterFromConfig([provider('exact', ['gpt-x'])], {});
    const err = (() => {
      try {
        router.resolve('gpt-y');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'MODEL_NOT_FOUND', details: { model: 'gpt-y' } });
  });

  it('reads the key from the environment, sends it only as the bearer, and never serializes it', () => {
    const router = modelRouterFromConfig([provider('p', ['m'], 'P_KEY')], { P_KEY: 'sk-secret-value' });
    const p = router.resolve('m');
    expect(p.requestHeaders()['authorization']).toBe('Bearer sk-secret-value');
    expect(p.baseUrl).toBe('https://p.example.com/v1');
    expect(JSON.stringify(p)).not.toContain('sk-secret-value');
    expect(JSON.stringify({ p })).not.toContain('sk-secret-value');
  });

  it('stops start-up when a named key variable is unset, or a provider name repeats', () => {
    expect(() => modelRouterFromConfig([provider('p', ['m'], 'MISSING_KEY')], {})).toThrow(/MISSING_KEY is not set/);
    expect(() => modelRouterFromConfig([provider('p', ['m']), provider('p', ['n'])], {})).toThrow(/used twice/);
  });

  it('sends no authorization header for a provider without a key', () => {
    expect(
      modelRouterFromConfig([provider('local', ['m'])], {})
        .resolve('m')
        .requestHeaders()['authorization'],
    ).toBeUndefined();
  });
});
