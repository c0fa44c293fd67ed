import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelProvider } from './model-router.js';
import { callModel } from './provider-client.js';

describe('callModel', () => {
  const server = createServer((req, res) => {
    // Answers JSON even when asked to stream, as some OpenAI-compatible servers do.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'plain' }, finish_reason: 'stop' }] }));
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const provider = (baseUrl: string) => new ModelProvider({ name: 'p', baseUrl, models: ['m'], timeoutMs: 2000 }, 'sk-unit');

  it('accepts a JSON answer to a streaming request and reports its text', async () => {
    const seen: string[] = [];
    const step = await callModel(provider(url), {
      body: { model: 'm', messages: [] },
      stream: true,
      signal: new AbortController().signal,
      onContent: (t) => seen.push(t),
    });
    expect(step.content).toBe('plain');
    expect(seen).toEqual(['plain']);
  });

  it('reports an unreachable provider as MODEL_PROVIDER_ERROR naming it', async () => {
    const call = callModel(provider('http://127.0.0.1:1/v1'), { body: {}, stream: false, signal: new AbortController().signal });
    await expect(call).rejects.toMatchObject({ code: 'MODEL_PROVIDER_ERROR', details: { provider: 'p' } });
  });
});
