import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './gateway-metrics.js';
import { responseCacheStats } from './response-cache-stats.js';

const warnings: unknown[] = [];
const logger = { info: () => {}, warn: (obj: object) => warnings.push(obj), error: () => {} };

/** The response cache's source, as main.ts registers it. */
const cacheStats = { entries: 3, bytes: 1024, hits: 10, misses: 4, stale: 1, coalesced: 2 };
const cacheSource = (read: () => typeof cacheStats) => responseCacheStats(read);

describe('GatewayMetrics.registerStats', () => {
  it('reads a source at each scrape: levels as gauges, running totals as counters, replaced not added', async () => {
    const metrics = new GatewayMetrics(logger);
    let stats = { ...cacheStats };
    metrics.registerStats(cacheSource(() => stats));
    const first = await metrics.render();
    expect(first).toContain('# TYPE toolgate_response_cache_entries gauge');
    expect(first).toContain('# TYPE toolgate_response_cache_hits_total counter');
    expect(first).toMatch(/^toolgate_response_cache_bytes 1024$/m);
    expect(first).toMatch(/^toolgate_response_cache_hits_total 10$/m);
    stats = { ...cacheStats, entries: 5, hits: 12 };
    const second = await metrics.render();
    expect(second).toMatch(/^toolgate_response_cache_entries 5$/m);
    expect(second).toMatch(/^toolgate_response_cache_hits_total 12$/m);
  });

  it('drops rows a labelled source no longer reports', async () => {
    const metrics = new GatewayMetrics(logger);
    let plugins = ['a', 'b'];
    metrics.registerStats({
      prefix: 'toolgate_demo',
      labelNames: ['plugin'],
      stats: { level: { kind: 'gauge', help: 'A level per plugin.' } },
      read: () => plugins.map((plugin) => ({ labels: { plugin }, values: { level: 1 } })),
    });
    expect(await metrics.render()).toMatch(/^toolgate_demo_level\{plugin="b"\} 1$/m);
    plugins = ['a'];
    const text = await metrics.render();
    expect(text).toMatch(/^toolgate_demo_level\{plugin="a"\} 1$/m);
    expect(text).not.toContain('plugin="b"');
  });

  it('leaves a failing source out of the scrape (never stale) and keeps the others', async () => {
    const metrics = new GatewayMetrics(logger);
    let broken = false;
    metrics.registerStats(
      cacheSource(() => {
        if (broken) throw new Error('cache gone');
        return cacheStats;
      }),
    );
    metrics.registerStats({
      prefix: 'toolgate_other',
      stats: { level: { kind: 'gauge', help: 'Another source.' } },
      read: () => [{ values: { level: 7 } }],
    });
    expect(await metrics.render()).toMatch(/^toolgate_response_cache_entries 3$/m);
    broken = true;
    warnings.length = 0;
    const text = await metrics.render();
    expect(text).not.toMatch(/^toolgate_response_cache_entries /m);
    expect(text).toMatch(/^toolgate_other_level 7$/m);
    expect(warnings).toEqual([expect.objectContaining({ source: 'toolgate_response_cache' })]);
  });
});
