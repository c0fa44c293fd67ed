import { describe, expect, it } from 'vitest';
import type { Plugin } from '../../core/plugin.js';
import type { RiskTier, Tool } from '../../core/tool.js';
import type { ExecutionRequest } from '../../ports/tool-executor.js';
import { cacheKey } from './cache-key.js';
import { cacheRuleFor, type CacheSettings } from './cache-settings.js';

const tool = (riskTier: RiskTier, name = 'crm__get', definitionHash = 'h1'): Tool =>
  ({ name, pluginName: 'crm', riskTier, definitionHash }) as Tool;
const settings: CacheSettings = {
  maxEntries: 10,
  maxBytes: 10_000,
  plugins: { crm: { ttlSeconds: 60, staleIfErrorSeconds: 30 } },
  tools: { crm__shared: { public: true }, crm__off: { ttlSeconds: 0 } },
};
const request = (t: Tool, args: Record<string, unknown>, cacheScope?: string, baseUrl = 'https://crm.example.com'): ExecutionRequest => ({
  plugin: { id: 'p1', name: 'crm', baseUrl } as Plugin,
  tool: t,
  args,
  timeoutMs: 1000,
  maxResponseBytes: 1000,
  ...(cacheScope !== undefined ? { cacheScope } : {}),
});

describe('cache rule and key', () => {
  it('caches read tools with a TTL only; a tool overrides its plugin field by field', () => {
    expect(cacheRuleFor(settings, tool('read'))).toEqual({ ttlMs: 60_000, staleMs: 30_000, public: false });
    expect(cacheRuleFor(settings, tool('read', 'crm__shared'))).toEqual({ ttlMs: 60_000, staleMs: 30_000, public: true });
    expect(cacheRuleFor(settings, tool('read', 'crm__off'))).toBeUndefined();
    expect(cacheRuleFor(settings, tool('write'))).toBeUndefined();
    expect(cacheRuleFor({ maxEntries: 1, maxBytes: 1024 }, tool('read'))).toBeUndefined();
  });

  it('keys by definition, canonical arguments and caller; public tools share one key; no caller, no key', () => {
    const rule = { ttlMs: 1, staleMs: 0, public: false };
    const key = cacheKey(request(tool('read'), { a: 1, b: [1, 2] }, 'alice'), rule);
    expect(cacheKey(request(tool('read'), { b: [1, 2], a: 1 }, 'alice'), rule)).toBe(key);
    expect(cacheKey(request(tool('read'), { a: 1, b: [1, 2] }, 'bob'), rule)).not.toBe(key);
    expect(cacheKey(request(tool('read', 'crm__get', 'h2'), { a: 1, b: [1, 2] }, 'alice'), rule)).not.toBe(key);
    expect(cacheKey(request(tool('read'), { a: 2, b: [1, 2] }, 'alice'), rule)).not.toBe(key);
    expect(cacheKey(request(tool('read'), { a: 1 }), rule)).toBeUndefined();
    // The plugin pointed at another server: its old answers are not this server's.
    expect(cacheKey(request(tool('read'), { a: 1, b: [1, 2] }, 'alice', 'https://crm-eu.example.com'), rule)).not.toBe(key);
    const shared = { ...rule, public: true };
    expect(cacheKey(request(tool('read'), { a: 1 }, 'alice'), shared)).toBe(cacheKey(request(tool('read'), { a: 1 }, 'bob'), shared));
  });
});
