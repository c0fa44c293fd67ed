import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDefinition } from '../src/plugins/targets/check-definition.js';
import { TOOL_TARGETS } from '../src/plugins/targets/tool-target.js';
import { createCaller, startTestGateway, type TestGateway } from './support/test-gateway.js';

const specPath = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));

describe('tool definitions for each model family', () => {
  let t: TestGateway;
  let caller: { key: string };

  beforeAll(async () => {
    t = await startTestGateway();
    const spec = readFileSync(specPath, 'utf8');
    const res = await t.api('POST', '/v1/admin/plugins', { body: { name: 'shop', source: specPath, spec, baseUrl: 'http://127.0.0.1:9' } });
    expect(res.status).toBe(201);
    await t.api('POST', '/v1/admin/grants', { body: { subject: 'role:support', target: 'tool:shop__get_order' } });
    caller = await createCaller(t, 'bot', ['support']);
  });
  afterAll(() => t.close());

  it.each(TOOL_TARGETS)(
    "renders the caller's tools for %s, each valid by that target's rules, with a reversible name map",
    async (format) => {
      const res = await t.api('GET', `/v1/tools?format=${format}`, { key: caller.key });
      expect(res.status).toBe(200);
      expect(res.body.problems).toEqual([]);
      expect(res.body.definitions).toHaveLength(1);
      for (const d of res.body.definitions) expect(checkDefinition(format, d)).toEqual([]);
      expect(Object.values(res.body.nameMap)).toEqual(['shop__get_order']);
    },
  );

  it('renders every active tool for an admin, in strict mode with optional fields nullable', async () => {
    const res = await t.api('GET', '/v1/admin/tools?format=openai-strict&maxNameLength=20');
    expect(res.status).toBe(200);
    const names = Object.keys(res.body.nameMap);
    const all = (await t.api('GET', '/v1/admin/tools')).body.tools;
    expect(names).toHaveLength(all.length);
    expect(res.body.definitions).toHaveLength(all.length);
    expect(names.every((n) => n.length <= 20)).toBe(true);
    // Shortened names stay distinct and map back to every tool.
    expect(new Set(Object.values(res.body.nameMap))).toEqual(new Set(all.map((x: { name: string }) => x.name)));
    const list = res.body.definitions.find(
      (d: { function: { name: string } }) => res.body.nameMap[d.function.name] === 'shop__list_orders',
    );
    expect(list.function.strict).toBe(true);
    expect(list.function.parameters.required).toEqual(Object.keys(list.function.parameters.properties));
  });

  it('refuses an unknown format and a bad name length with BAD_REQUEST', async () => {
    const bad = await t.api('GET', '/v1/tools?format=cohere', { key: caller.key });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'BAD_REQUEST', details: { path: 'query/format' } });
    expect(bad.body.error.message).toContain('openai-strict');
    const short = await t.api('GET', '/v1/admin/tools?format=mcp&maxNameLength=3');
    expect(short.body.error).toMatchObject({ code: 'BAD_REQUEST', details: { path: 'query/maxNameLength' } });
  });
});
