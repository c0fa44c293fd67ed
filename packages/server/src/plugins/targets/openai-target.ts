import { isRecord } from '../json-value.js';
import { checkStrictSchema } from './check-strict-schema.js';
import { jsonShapeProblem } from './json-shape.js';
import { descriptionProblems, nameProblems, objectSchemaProblems } from './definition-checks.js';
import { toStrictSchema } from './strict-schema.js';
import type { TargetAdapter } from './tool-target.js';

/** OpenAI function names (Chat Completions and Responses). */
const OPENAI_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function checkOpenAiDefinition(definition: unknown, strict: boolean, rules: Parameters<TargetAdapter['check']>[1]): string[] {
  if (!isRecord(definition) || definition['type'] !== 'function' || !isRecord(definition['function'])) {
    return ['must be {type: "function", function: {...}}'];
  }
  const fn = definition['function'];
  const problems = [
    ...nameProblems(fn['name'], OPENAI_NAME, '^[a-zA-Z0-9_-]{1,64}$'),
    ...descriptionProblems(fn['description'], false),
    ...objectSchemaProblems(fn['parameters'], 'parameters'),
  ];
  if (strict && fn['strict'] !== true) problems.push('strict must be true');
  // A definition that asks for strict mode is held to its rules whichever target it was meant for.
  // A schema JSON cannot hold is already reported above; checking it for strict mode would only repeat that.
  if (fn['strict'] === true && jsonShapeProblem(fn['parameters']) === undefined) {
    problems.push(...checkStrictSchema(fn['parameters'], rules).map((p) => `parameters ${p}`));
  }
  return problems;
}

function adapter(strict: boolean): TargetAdapter {
  return {
    nameRule: { allowedChar: /[a-zA-Z0-9_-]/, maxLength: 64 },
    render(tool, name, rules) {
      if (!strict)
        return { definition: { type: 'function', function: { name, description: tool.description, parameters: tool.inputSchema } } };
      const converted = toStrictSchema(tool.inputSchema, rules);
      if (!converted.ok) return { problems: converted.problems.map((p) => `cannot be made strict: ${p}`) };
      return {
        definition: { type: 'function', function: { name, description: tool.description, parameters: converted.schema, strict: true } },
      };
    },
    check: (definition, rules) => checkOpenAiDefinition(definition, strict, rules),
    nameOf: (definition) => {
      const fn = isRecord(definition) ? definition['function'] : undefined;
      return isRecord(fn) && typeof fn['name'] === 'string' ? fn['name'] : undefined;
    },
  };
}

/** Chat Completions `tools` entries; plain JSON Schema, no strict mode. */
export const openAiTarget = adapter(false);
/** Chat Completions `tools` entries with `strict: true` (Structured Outputs for function calls). */
export const openAiStrictTarget = adapter(true);
