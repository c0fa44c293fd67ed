import { describe, expect, it } from 'vitest';
import { checkDefinition, checkDefinitions } from './check-definition.js';
import { strictModeRules } from './strict-mode-rules.js';

const params = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false };
const fn = (over: Record<string, unknown>, parameters: unknown = params) => ({
  type: 'function',
  function: { name: 'search__query', description: 'd', parameters, ...over },
});
const strictFn = (parameters: unknown) => fn({ strict: true }, parameters);

describe('checkDefinition', () => {
  it('accepts good hand-written definitions for every target', () => {
    expect(checkDefinition('openai', fn({}))).toEqual([]);
    expect(checkDefinition('openai-strict', strictFn(params))).toEqual([]);
    expect(checkDefinition('anthropic', { name: 'a-b_c', description: 'd', input_schema: params })).toEqual([]);
    expect(checkDefinition('gemini', { name: '_a.b-c', description: 'd', parametersJsonSchema: params })).toEqual([]);
    expect(checkDefinition('mcp', { name: 'a.b', inputSchema: params, annotations: { readOnlyHint: true } })).toEqual([]);
  });

  it.each([
    ['openai', fn({ name: 'has space' }), 'does not match'],
    ['openai', fn({ name: 'x'.repeat(65) }), 'does not match'],
    ['openai', fn({ name: 'a.b' }), 'does not match'],
    ['openai', fn({}, { type: 'array' }), 'parameters must have type "object"'],
    ['openai', { function: { name: 'x', parameters: params } }, 'type: "function"'],
    ['openai-strict', fn({}), 'strict must be true'],
    ['anthropic', { name: '', input_schema: params }, 'does not match'],
    ['anthropic', { name: 'ok', input_schema: { properties: {} } }, 'input_schema must have type "object"'],
    ['anthropic', { name: 'ok', description: 5, input_schema: params }, 'description must be a string'],
    ['gemini', { name: '9lives', parametersJsonSchema: params }, 'does not match'],
    ['gemini', { name: 'x'.repeat(65), parametersJsonSchema: params }, 'does not match'],
    ['gemini', { name: 'ok', parameters: params, parametersJsonSchema: params }, 'mutually exclusive'],
    ['mcp', { name: 'x'.repeat(129), inputSchema: params }, 'does not match'],
    ['mcp', { name: 'a/b', inputSchema: params }, 'does not match'],
    ['mcp', { name: 'ok', inputSchema: params, outputSchema: { type: 'string' } }, 'outputSchema must have type "object"'],
    ['mcp', { name: 'ok', inputSchema: params, annotations: { readOnlyHint: 'yes' } }, 'readOnlyHint must be a boolean'],
    ['mcp', { name: 'ok' }, 'inputSchema must be a JSON Schema object'],
  ] as const)('%s: catches %j', (target, definition, expected) => {
    expect(checkDefinition(target, definition).join('\n')).toContain(expected);
  });

  const strictCases: [string, unknown, string][] = [
    ['optional property', { ...params, properties: { q: { type: 'string' }, n: { type: 'number' } } }, 'missing: n'],
    ['open object', { ...params, additionalProperties: undefined }, 'additionalProperties must be false'],
    [
      'nested open object',
      { ...params, properties: { q: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } },
      '/properties/q: additionalProperties must be false',
    ],
    ['allOf', { ...params, properties: { q: { allOf: [{ type: 'string' }] } } }, 'keyword "allOf" is not supported'],
    ['not', { ...params, properties: { q: { type: 'string', not: { const: 'x' } } } }, 'keyword "not" is not supported'],
    ['if/then', { ...params, if: { required: ['q'] }, then: { required: ['q'] } }, 'keyword "if" is not supported'],
    ['dependentRequired', { ...params, dependentRequired: { q: [] } }, 'keyword "dependentRequired"'],
    ['unsupported format', { ...params, properties: { q: { type: 'string', format: 'uri' } } }, 'format "uri" is not supported'],
    ['untyped value', { ...params, properties: { q: {} } }, 'needs a type'],
    ['boolean schema', { ...params, properties: { q: true } }, 'boolean schemas'],
    ['array without items', { ...params, properties: { q: { type: 'array' } } }, 'arrays need an "items" schema'],
    ['remote $ref', { ...params, properties: { q: { $ref: 'other.json#/x' } } }, 'is not local'],
    ['dangling $ref', { ...params, properties: { q: { $ref: '#/$defs/Nope' } } }, 'does not point into the root $defs'],
    ['union root', { anyOf: [params] }, 'root must have type "object"'],
    ['nested $defs', { ...params, properties: { q: { type: 'string', $defs: {} } } }, '$defs only at the root'],
  ];
  it.each(strictCases)('openai-strict: catches %s', (_what, parameters, expected) => {
    expect(checkDefinition('openai-strict', strictFn(parameters)).join('\n')).toContain(expected);
  });

  it('openai-strict: catches the limits, which are configurable', () => {
    const enumSchema = { ...params, properties: { q: { type: 'string', enum: Array.from({ length: 1001 }, (_, i) => `v${i}`) } } };
    expect(checkDefinition('openai-strict', strictFn(enumSchema)).join()).toContain('1001 enum values');
    expect(checkDefinition('openai-strict', strictFn(enumSchema), strictModeRules({ maxEnumValues: 2000 }))).toEqual([]);

    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 11; i += 1) deep = { type: 'object', properties: { d: deep }, required: ['d'], additionalProperties: false };
    expect(checkDefinition('openai-strict', strictFn(deep)).join()).toContain('11 levels of object nesting');

    const wide = { ...params, properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a', 'b'] };
    expect(checkDefinition('openai-strict', strictFn(wide), strictModeRules({ maxProperties: 1 })).join()).toContain('2 properties');
  });

  it('holds any definition that claims strict to strict rules, even on the plain openai target', () => {
    expect(checkDefinition('openai', fn({ strict: true }, { type: 'object', properties: { q: { type: 'string' } } })).join()).toContain(
      'additionalProperties must be false',
    );
  });

  it('checkDefinitions finds names used twice', () => {
    const def = { name: 'same', inputSchema: params };
    expect(checkDefinitions('mcp', [def, def])).toEqual(['[1] name "same" is used twice']);
  });
});
