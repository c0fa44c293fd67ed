import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { checkDefinition, checkDefinitions } from './check-definition.js';
import { createOrder, ping, SAMPLE_TOOLS, searchFiles, sendEvent } from './fixtures/sample-tools.js';
import { renderTools } from './render-tools.js';
import { strictModeRules } from './strict-mode-rules.js';
import { resolveTargetName, TOOL_TARGETS, type RenderableTool } from './tool-target.js';

function nameOf(definition: unknown): string {
  const d = definition as { name?: string; function?: { name: string } };
  return d.function?.name ?? d.name ?? '';
}

describe('renderTools', () => {
  it.each(TOOL_TARGETS)('%s: every definition passes the checker and every name resolves back', (target) => {
    const { definitions, nameMap, problems } = renderTools(target, SAMPLE_TOOLS);
    const expected = target === 'openai-strict' ? SAMPLE_TOOLS.length - 1 : SAMPLE_TOOLS.length;
    expect(definitions).toHaveLength(expected);
    expect(checkDefinitions(target, definitions)).toEqual([]);
    const resolved = definitions.map((d) => resolveTargetName(nameMap, nameOf(d)));
    expect(resolved).toEqual(SAMPLE_TOOLS.map((t) => t.name).filter((n) => target !== 'openai-strict' || n !== sendEvent.name));
    expect(Object.keys(nameMap)).toHaveLength(expected);
    expect(problems.length > 0).toBe(target === 'openai-strict');
  });

  it('openai: function definitions carry the schema unchanged', () => {
    const { definitions } = renderTools('openai', [createOrder]);
    expect(definitions).toEqual([
      {
        type: 'function',
        function: { name: 'orders__create_order', description: createOrder.description, parameters: createOrder.inputSchema },
      },
    ]);
  });

  it('openai-strict: reports the tool it cannot express and emits the rest strict', () => {
    const { definitions, problems } = renderTools('openai-strict', SAMPLE_TOOLS);
    expect(problems).toEqual([{ tool: sendEvent.name, problem: expect.stringContaining('/properties/payload') }]);
    const ajv = new Ajv2020({ strict: false, logger: false });
    addFormats.default(ajv);
    for (const definition of definitions) {
      const fn = (definition as { function: { strict: boolean; parameters: object } }).function;
      expect(fn.strict).toBe(true);
      expect(() => ajv.compile(fn.parameters)).not.toThrow();
    }
  });

  it('anthropic and gemini: the schema goes in their field', () => {
    expect(renderTools('anthropic', [ping]).definitions).toEqual([
      { name: 'health__ping', description: ping.description, input_schema: ping.inputSchema },
    ]);
    expect(renderTools('gemini', [ping]).definitions).toEqual([
      { name: 'health__ping', description: ping.description, parametersJsonSchema: ping.inputSchema },
    ]);
  });

  it('mcp: title and output schema pass through; hints come from the risk tier, not the upstream', () => {
    const [definition] = renderTools('mcp', [searchFiles]).definitions;
    expect(definition).toEqual({
      name: 'files__search_files',
      title: 'Search files',
      description: searchFiles.description,
      inputSchema: searchFiles.inputSchema,
      outputSchema: searchFiles.outputSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    });
    const destructive = renderTools('mcp', [{ ...ping, riskTier: 'destructive', annotations: { destructiveHint: false } }]).definitions[0];
    expect(destructive).toMatchObject({ annotations: { readOnlyHint: false, destructiveHint: true } });
  });

  it('gemini: a name starting with a digit is fixed, and the map turns it back', () => {
    const tool: RenderableTool = { ...ping, name: '3d__render' };
    const { definitions, nameMap } = renderTools('gemini', [tool, ping]);
    expect(nameOf(definitions[0])).toBe('_3d__render');
    expect(resolveTargetName(nameMap, '_3d__render')).toBe('3d__render');
    expect(resolveTargetName(nameMap, 'constructor')).toBeUndefined();
  });

  it('maxNameLength shortens names for clients that prefix them, and they still resolve', () => {
    const long = (suffix: string): RenderableTool => ({ ...ping, name: `analytics__${'weekly_report_'.repeat(3)}${suffix}` });
    const tools = [long('by_region'), long('by_product')];
    const { definitions, nameMap } = renderTools('anthropic', tools, { maxNameLength: 40 });
    const names = definitions.map(nameOf);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(40);
    expect(new Set(names).size).toBe(2);
    expect(names.map((n) => resolveTargetName(nameMap, n))).toEqual(tools.map((t) => t.name));
  });

  it('reports a tool listed twice once', () => {
    const { definitions, problems } = renderTools('openai', [ping, ping]);
    expect(definitions).toHaveLength(1);
    expect(problems).toEqual([{ tool: ping.name, problem: expect.stringContaining('twice') }]);
  });

  it('reports tools whose schema the target rejects instead of emitting them', () => {
    const bad: RenderableTool = { ...ping, name: 'x__bad', inputSchema: { type: 'array' } };
    for (const target of TOOL_TARGETS) {
      const { definitions, problems } = renderTools(target, [bad]);
      expect(definitions).toEqual([]);
      expect(problems.map((p) => p.tool)).toContain('x__bad');
    }
  });

  it('applies configured strict limits', () => {
    const rules = strictModeRules({ maxEnumValues: 3 });
    const { problems } = renderTools('openai-strict', [createOrder], { strictRules: rules });
    expect(problems).toEqual([{ tool: createOrder.name, problem: expect.stringContaining('enum values; strict mode allows 3') }]);
    expect(checkDefinition('openai-strict', renderTools('openai-strict', [createOrder]).definitions[0], rules)).not.toEqual([]);
  });
});
