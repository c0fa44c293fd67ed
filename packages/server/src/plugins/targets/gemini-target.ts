import { isRecord } from '../json-value.js';
import { descriptionProblems, nameProblems, objectSchemaProblems } from './definition-checks.js';
import type { TargetAdapter } from './tool-target.js';

/** Gemini: starts with a letter or underscore; letters, digits, `_`, `.`, `-`; at most 64. */
const GEMINI_NAME = /^[a-zA-Z_][a-zA-Z0-9_.-]{0,63}$/;

/**
 * Gemini `functionDeclarations` entries. `parametersJsonSchema` takes JSON Schema as is, unlike
 * `parameters` (an OpenAPI 3.0 subset), so our schemas go through unchanged.
 */
export const geminiTarget: TargetAdapter = {
  nameRule: { allowedChar: /[a-zA-Z0-9_.-]/, firstChar: /[a-zA-Z_]/, maxLength: 64 },
  render: (tool, name) => ({ definition: { name, description: tool.description, parametersJsonSchema: tool.inputSchema } }),
  check(definition) {
    if (!isRecord(definition)) return ['must be an object'];
    const problems = [
      ...nameProblems(definition['name'], GEMINI_NAME, 'a letter or _ then [a-zA-Z0-9_.-], at most 64'),
      ...descriptionProblems(definition['description'], false),
      ...objectSchemaProblems(definition['parametersJsonSchema'], 'parametersJsonSchema'),
    ];
    if (definition['parameters'] !== undefined) problems.push('parameters and parametersJsonSchema are mutually exclusive');
    return problems;
  },
  nameOf: (definition) => (isRecord(definition) && typeof definition['name'] === 'string' ? definition['name'] : undefined),
};
