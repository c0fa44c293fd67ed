import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../src/connectors/fixtures/loopback-server.js';
import { createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

/** A removed plugin takes its breaker and bulkhead with it: a new plugin of the same name does not inherit them. */
describe('removing a plugin forgets its circuit', () => {
  let t: TestGateway;
  let upstream: LoopbackServer;
  let caller: { key: string };
  let failing = true;

  const spec = {
    openapi: '3.1.0',
    info: { title: 'Flip', version: '1' },
    paths: { '/flip': { get: { operationId: 'flip', responses: { '200': { description: 'ok' } } } } },
  };

  beforeAll(async () => {
    upstream = await startLoopbackServer((_req, res) => {
      res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' }).end(failing ? '{"error":"down"}' : '{"ok":true}');
    });
    // A long half-open delay: the circuit can only be closed again by forgetting it, not by waiting.
    t = await startTestGateway({
      TOOLGATE_RESILIENCE__PLUGINS: JSON.stringify({
        flips: { retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 600_000 } },
      }),
    });
    caller = await createCaller(t, 'agent', ['agents']);
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const addPlugin = async (): Promise<void> => {
    const body = { name: 'flips', spec: JSON.stringify(spec), baseUrl: upstream.origin, allowPrivateNetwork: true };
    const res = await t.api('POST', '/v1/admin/plugins', { body });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:agents', target: 'plugin:flips' } });
  };
  const invoke = () => t.api('POST', '/v1/tools/flips__flip/invoke', { key: caller.key, body: { arguments: {} } });
  const circuit = async () => (await t.api('GET', '/v1/admin/plugins/flips')).body.plugin.circuit;

  it('re-adding a removed plugin whose breaker was open starts with a closed breaker', async () => {
    await addPlugin();
    for (let i = 0; i < 2; i++) expect((await invoke()).body.error?.code).toBe('UPSTREAM_ERROR');
    expect((await invoke()).body.error?.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(await circuit()).toMatchObject({ state: 'open', failures: 2 });
    expect(upstream.requests).toHaveLength(2);

    expect((await t.api('DELETE', '/v1/admin/plugins/flips')).status).toBe(200);
    failing = false;
    await addPlugin();

    expect(await circuit()).toEqual({ state: 'closed', failures: 0 });
    const res = await invoke();
    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(3);
  });
});
