import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../core/tool.js';
import { checkDefinition, checkDefinitions } from './check-definition.js';
import { jsonShapeProblem, MAX_JSON_DEPTH } from './json-shape.js';
import { mergeAllOf } from './merge-all-of.js';
import { renderTools } from './render-tools.js';
import { MAX_SCHEMA_DEPTH, schemaNodes } from './schema-nodes.js';
import { DEFAULT_STRICT_MODE_RULES } from './strict-mode-rules.js';
import { toStrictSchema } from './strict-schema.js';
import { TOOL_TARGETS, type RenderableTool } from './tool-target.js';

function tool(inputSchema: JsonSchema, name = 'ce__get_tags'): RenderableTool {
  return { name, description: 'Recursive input.', riskTier: 'read', inputSchema };
}

function strictParameters(definition: unknown): JsonSchema {
  return (definition as { function: { parameters: JsonSchema } }).function.parameters;
}

function validator(schema: JsonSchema): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, logger: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (value) => validate(value);
}

/**
 * The shape of AWS Cost Explorer's `Expression` (amazonaws.com/ce), which blew the stack: OpenAPI 3.0 puts a
 * description beside a `$ref` with `allOf`, so `Not` is `allOf: [{$ref: Expression}, {description}]`, and
 * `And`/`Or` reach `Expression` again through an array definition.
 */
const ceExpression: JsonSchema = {
  type: 'object',
  properties: {
    Filter: { allOf: [{ $ref: '#/$defs/Expression' }, { description: 'Filters by dimension, tag or cost category.' }] },
  },
  $defs: {
    Expression: {
      type: 'object',
      description: 'Use Expression to filter in various Cost Explorer APIs.',
      properties: {
        Or: { allOf: [{ $ref: '#/$defs/Expressions' }, { description: 'Either.' }] },
        And: { allOf: [{ $ref: '#/$defs/Expressions' }, { description: 'Both.' }] },
        Not: { allOf: [{ $ref: '#/$defs/Expression' }, { description: "Doesn't match." }] },
        Dimensions: { allOf: [{ $ref: '#/$defs/DimensionValues' }, { description: 'The dimension.' }] },
      },
    },
    Expressions: { type: 'array', items: { $ref: '#/$defs/Expression' } },
    DimensionValues: {
      type: 'object',
      properties: { Key: { type: 'string', enum: ['REGION', 'SERVICE'] }, Values: { type: 'array', items: { type: 'string' } } },
    },
  },
};

/** Recursion through an allOf that adds constraints, so the recurring part cannot stay a plain `$ref`. */
const weightedList: JsonSchema = {
  type: 'object',
  properties: { head: { $ref: '#/$defs/Node' } },
  required: ['head'],
  $defs: {
    Node: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        next: { allOf: [{ $ref: '#/$defs/Node' }, { type: 'object', properties: { weight: { type: 'number' } }, required: ['weight'] }] },
      },
      required: ['name'],
    },
  },
};

function nested(levels: number): JsonSchema {
  let schema: JsonSchema = { type: 'string' };
  for (let i = 0; i < levels; i += 1) schema = { type: 'object', properties: { d: schema } };
  return schema;
}

describe('recursive and deeply nested schemas', () => {
  it.each(TOOL_TARGETS)('%s: renders the Cost Explorer Expression shape and the result passes the checker', (target) => {
    const { definitions, problems } = renderTools(target, [tool(ceExpression)]);
    expect(problems).toEqual([]);
    expect(definitions).toHaveLength(1);
    expect(checkDefinitions(target, definitions)).toEqual([]);
  });

  it('openai-strict: keeps the recursion as $refs into $defs, and the schema accepts nested expressions', () => {
    const [definition] = renderTools('openai-strict', [tool(ceExpression)]).definitions;
    const parameters = strictParameters(definition);
    expect(parameters).toMatchObject({
      properties: {
        Filter: { description: 'Filters by dimension, tag or cost category.', anyOf: [{ $ref: '#/$defs/Expression' }, { type: 'null' }] },
      },
      $defs: {
        Expression: {
          properties: {
            Not: { description: "Doesn't match.", anyOf: [{ $ref: '#/$defs/Expression' }, { type: 'null' }] },
            Or: { anyOf: [{ $ref: '#/$defs/Expressions' }, { type: 'null' }] },
          },
        },
        Expressions: { type: 'array', items: { $ref: '#/$defs/Expression' } },
      },
    });
    const empty = { Or: null, And: null, Not: null, Dimensions: null };
    const leaf = { ...empty, Dimensions: { Key: 'REGION', Values: ['us-east-1'] } };
    const valid = validator(parameters);
    expect(valid({ Filter: { ...empty, And: [leaf, { ...empty, Not: { ...empty, Or: [leaf] } }] } })).toBe(true);
    expect(valid({ Filter: { ...empty, Not: { ...empty, Not: { ...leaf, Dimensions: { Key: 'NOPE', Values: [] } } } } })).toBe(false);
  });

  it('openai-strict: a composition that recurs into itself becomes a $defs entry that refers to itself', () => {
    const result = toStrictSchema(weightedList, DEFAULT_STRICT_MODE_RULES);
    if (!result.ok) throw new Error(result.problems.join('; '));
    const defs = result.schema['$defs'] as Record<string, JsonSchema>;
    expect(Object.keys(defs)).toEqual(['Node', 'Node_merged']);
    expect(defs['Node_merged']).toMatchObject({
      required: ['name', 'next', 'weight'],
      properties: { next: { anyOf: [{ $ref: '#/$defs/Node_merged' }, { type: 'null' }] }, weight: { type: 'number' } },
    });
    expect(
      checkDefinition('openai-strict', { type: 'function', function: { name: 'n', parameters: result.schema, strict: true } }),
    ).toEqual([]);
    const valid = validator(result.schema);
    const last = { name: 'c', next: null, weight: 3 };
    expect(valid({ head: { name: 'a', next: { name: 'b', next: last, weight: 2 } } })).toBe(true);
    expect(valid({ head: { name: 'a', next: { name: 'b', next: { ...last, weight: 'heavy' }, weight: 2 } } })).toBe(false);
  });

  it('reports an allOf that includes itself, instead of inlining it forever', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: { A: { allOf: [{ $ref: '#/$defs/A' }, { type: 'object', properties: { x: { type: 'string' } } }] } },
    };
    const { definitions, problems } = renderTools('openai-strict', [tool(schema)]);
    expect(definitions).toEqual([]);
    expect(problems).toEqual([{ tool: 'ce__get_tags', problem: expect.stringContaining('includes "#/$defs/A" within itself') }]);
  });

  it.each(TOOL_TARGETS)('%s: reports a schema nested thousands of levels deep as that tool’s problem, without throwing', (target) => {
    const fine = tool({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, 'ok__tool');
    const { definitions, problems } = renderTools(target, [tool(nested(5_000)), fine]);
    expect(definitions).toHaveLength(1);
    expect(problems).toEqual([{ tool: 'ce__get_tags', problem: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH} levels`) }]);
  });

  it.each(TOOL_TARGETS)('%s: reports a schema object that contains itself, without throwing', (target) => {
    const schema: JsonSchema = { type: 'object', properties: {} };
    (schema['properties'] as JsonSchema)['self'] = schema;
    const { definitions, problems } = renderTools(target, [tool(schema)]);
    expect(definitions).toEqual([]);
    expect(problems.map((p) => p.problem).join('\n')).toContain('contains itself');
  });

  it('checks hand-made deep or cyclic definitions without throwing', () => {
    const deep = { type: 'function', function: { name: 'd', parameters: nested(5_000), strict: true } };
    expect(checkDefinition('openai-strict', deep).join('\n')).toContain('nests deeper than');
    const cyclic: JsonSchema = { type: 'object', properties: {} };
    (cyclic['properties'] as JsonSchema)['self'] = { type: 'array', items: cyclic };
    expect(checkDefinition('mcp', { name: 'c', inputSchema: cyclic }).join('\n')).toContain('contains itself');
  });

  it('schemaNodes stops at its depth limit and at an object that contains itself', () => {
    const deep = schemaNodes(nested(MAX_SCHEMA_DEPTH + 50));
    expect(deep).toHaveLength(MAX_SCHEMA_DEPTH + 1);
    expect(deep.at(-1)?.unvisited).toContain(`more than ${MAX_SCHEMA_DEPTH} levels`);
    const cyclic: JsonSchema = { type: 'object', properties: {} };
    (cyclic['properties'] as JsonSchema)['self'] = cyclic;
    expect(schemaNodes(cyclic).map((n) => n.unvisited)).toEqual([undefined, 'the schema object contains itself']);
  });

  it('jsonShapeProblem measures shared objects once and tells depth from cycles', () => {
    let shared: unknown = 'leaf';
    // 60 levels, each referring twice to the next: 2^60 paths, but only 60 distinct objects.
    for (let i = 0; i < 60; i += 1) shared = { a: shared, b: [shared] };
    expect(jsonShapeProblem(shared)).toBeUndefined();
    expect(jsonShapeProblem(shared, 100)).toBe('nests deeper than 100 levels');
    // Ten object schemas are 21 JSON levels: each schema and its `properties` map, then the innermost schema.
    expect(jsonShapeProblem(nested(10), 20)).toBe('nests deeper than 20 levels');
    expect(jsonShapeProblem(nested(10), 21)).toBeUndefined();
  });

  it('mergeAllOf follows a $ref whose target is a $ref with siblings, and stops at one that refers to itself', () => {
    const defs: Record<string, JsonSchema> = {
      Base: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      Named: { $ref: '#/$defs/Base', properties: { name: { type: 'string' } } },
      Loop: { $ref: '#/$defs/Loop', type: 'object' },
    };
    const resolve = (ref: string): JsonSchema | undefined => defs[ref.replace('#/$defs/', '')];
    expect(mergeAllOf({ allOf: [{ $ref: '#/$defs/Named' }] }, resolve)).toEqual({
      properties: { name: { type: 'string' }, id: { type: 'string' } },
      type: 'object',
      required: ['id'],
    });
    expect(mergeAllOf({ allOf: [{ $ref: '#/$defs/Loop' }] }, resolve)).toBe('allOf includes "#/$defs/Loop" within itself');
  });
});
