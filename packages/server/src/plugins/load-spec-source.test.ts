import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { loadSpecSource, MAX_SPEC_BYTES } from './load-spec-source.js';

let dir: string;
const noFetch = {
  fetchText(): Promise<string> {
    throw new Error('must not fetch');
  },
};

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toolgate-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadSpecSource', () => {
  it('reads a file path and returns its absolute path as the source', async () => {
    const path = join(dir, 'spec.yaml');
    await writeFile(path, 'openapi: 3.1.0\n');
    expect(await loadSpecSource(path, noFetch)).toEqual({ text: 'openapi: 3.1.0\n', source: path });
    expect(await loadSpecSource(pathToFileURL(path).href, noFetch)).toEqual({ text: 'openapi: 3.1.0\n', source: path });
  });

  it('reports a missing file as SPEC_FETCH_FAILED naming the path', async () => {
    const path = join(dir, 'nope.yaml');
    const err = await rejection(loadSpecSource(path, noFetch));
    expect(err.code).toBe('SPEC_FETCH_FAILED');
    expect(err.message).toContain(path);
    expect(err.message).toContain('no such file');
  });

  it('refuses a directory and a file over the size cap', async () => {
    expect((await rejection(loadSpecSource(dir, noFetch))).code).toBe('SPEC_FETCH_FAILED');
    const big = join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, MAX_SPEC_BYTES + 1); // sparse: no 20 MB written
    const err = await rejection(loadSpecSource(big, noFetch));
    expect(err.code).toBe('SPEC_INVALID');
    expect(err.message).toContain('limit');
  });

  it('fetches http(s) URLs through the injected fetcher only', async () => {
    const seen: string[] = [];
    const deps = {
      fetchText(url: string): Promise<string> {
        seen.push(url);
        return Promise.resolve('{"openapi":"3.1.0"}');
      },
    };
    const loaded = await loadSpecSource('https://api.example.com/openapi.json', deps);
    expect(loaded).toEqual({ text: '{"openapi":"3.1.0"}', source: 'https://api.example.com/openapi.json' });
    expect(seen).toEqual(['https://api.example.com/openapi.json']);
  });

  it('wraps fetcher failures as SPEC_FETCH_FAILED but keeps its GatewayErrors', async () => {
    const failing = { fetchText: (): Promise<string> => Promise.reject(new Error('ECONNREFUSED')) };
    const err = await rejection(loadSpecSource('http://spec.example/openapi.yaml', failing));
    expect(err.code).toBe('SPEC_FETCH_FAILED');
    expect(err.message).toContain('http://spec.example/openapi.yaml');
    expect(err.reason).toContain('ECONNREFUSED');

    const blocked = { fetchText: (): Promise<string> => Promise.reject(new GatewayError('EGRESS_BLOCKED')) };
    expect((await rejection(loadSpecSource('http://169.254.169.254/x', blocked))).code).toBe('EGRESS_BLOCKED');
  });

  it('refuses other URL schemes', async () => {
    expect((await rejection(loadSpecSource('ftp://example.com/spec.yaml', noFetch))).code).toBe('SPEC_FETCH_FAILED');
  });
});
