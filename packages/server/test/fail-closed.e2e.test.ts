import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plugin } from '../src/core/plugin.js';
import type { Tool } from '../src/core/tool.js';
import { auditFor, startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * A stage that throws something other than a GatewayError is a bug: the call must be denied as
 * INTERNAL and still be audited. Here the validate stage meets a stored schema Ajv cannot compile
 * (a dangling $ref), a real fault rather than a mock.
 */
describe('fail closed', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    const now = new Date().toISOString();
    const plugin: Plugin = {
      id: randomUUID(),
      name: 'broken',
      kind: 'openapi',
      title: 'Broken',
      description: '',
      baseUrl: 'http://127.0.0.1:1',
      allowPrivateNetwork: true,
      timeoutMs: 1000,
      status: 'active',
      source: 'test',
      createdAt: now,
    };
    const tool: Tool = {
      id: randomUUID(),
      pluginId: plugin.id,
      pluginName: 'broken',
      name: 'broken__op',
      sourceName: 'op',
      description: 'op',
      inputSchema: { type: 'object', properties: { a: { $ref: '#/$defs/Missing' } } },
      riskTier: 'read',
      binding: { kind: 'http', method: 'GET', path: '/op', parameters: [] },
      definitionHash: 'f'.repeat(64),
      status: 'active',
    };
    await t.gw.admin.plugins.insert(plugin, [tool]);
    await t.gw.admin.catalog.reload();
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:admin', target: 'plugin:broken' } });
  });
  afterAll(() => t.close());

  it('denies the call with INTERNAL, leaks nothing, and audits it', async () => {
    const res = await t.api('POST', '/v1/tools/broken__op/invoke', { body: { arguments: { a: 1 } } });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
    expect(JSON.stringify(res.body)).not.toMatch(/Missing|\$ref|resolve/);
    const [event] = await auditFor(t, 'broken__op');
    expect(event).toMatchObject({ errorCode: 'INTERNAL', decision: 'deny', outcome: 'not_run', principalName: 'admin' });
    expect(event.reason).toMatch(/Missing|resolve/);
  });
});
