import { describe, expect, it } from 'vitest';
import type { UpstreamResult } from '../../ports/tool-executor.js';
import { ResponseCache } from './response-cache.js';

const body = (bytes: number): UpstreamResult => ({ status: 200, contentType: 'text/plain', body: 'x'.repeat(bytes), bytes });
const entry = (bytes: number) => ({ result: body(bytes), toolName: 't', definitionHash: 'h' });

describe('response cache store', () => {
  it('is fresh within the TTL and kept only for the stale window after it, on the injected clock', () => {
    let now = 1_000_000;
    const cache = new ResponseCache({ maxEntries: 10, maxBytes: 10_000 }, { now: () => now });
    cache.put('k', entry(10), 60_000 + 30_000);
    now += 59_999;
    expect(cache.read('k', 60_000)?.ageMs).toBe(59_999);
    now += 1;
    expect(cache.read('k', 60_000)).toBeUndefined();
    expect(cache.read('k', 90_001)?.ageMs).toBe(60_000);
    now += 30_000;
    expect(cache.read('k', 90_001)?.ageMs).toBe(90_000);
    now += 1;
    expect(cache.read('k', 90_001)).toBeUndefined();
    expect(cache.entries).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new ResponseCache({ maxEntries: 2, maxBytes: 10_000 }, { now: () => 0 });
    cache.put('a', entry(10), 60_000);
    cache.put('b', entry(10), 60_000);
    expect(cache.read('a', 60_000)).toBeDefined(); // a is now more recent than b
    cache.put('c', entry(10), 60_000);
    expect(cache.read('b', 60_000)).toBeUndefined();
    expect(cache.read('a', 60_000)).toBeDefined();
    expect(cache.read('c', 60_000)).toBeDefined();
    expect(cache.entries).toBe(2);
  });

  it('bounds the bytes of the bodies, and never keeps a body larger than the whole cache', () => {
    const cache = new ResponseCache({ maxEntries: 100, maxBytes: 1024 }, { now: () => 0 });
    cache.put('a', entry(400), 60_000);
    cache.put('b', entry(400), 60_000);
    expect(cache.bytes).toBe(800);
    cache.put('c', entry(400), 60_000);
    expect(cache.read('a', 60_000)).toBeUndefined();
    expect(cache.bytes).toBe(800);
    cache.put('huge', entry(2000), 60_000);
    expect(cache.read('huge', 60_000)).toBeUndefined();
    expect(cache.entries).toBe(2);
  });

  it('drops entries of changed tools on request', () => {
    const cache = new ResponseCache({ maxEntries: 10, maxBytes: 10_000 }, { now: () => 0 });
    cache.put('old', { ...entry(1), definitionHash: 'h1' }, 60_000);
    cache.put('new', { ...entry(1), definitionHash: 'h2' }, 60_000);
    expect(cache.evictWhere((e) => e.definitionHash === 'h1')).toBe(1);
    expect(cache.read('old', 60_000)).toBeUndefined();
    expect(cache.read('new', 60_000)).toBeDefined();
  });
});
