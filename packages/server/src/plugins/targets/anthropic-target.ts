import { isRecord } from '../json-value.js';
import { descriptionProblems, nameProblems, objectSchemaProblems } from './definition-checks.js';
import type { TargetAdapter } from './tool-target.js';

const ANTHROPIC_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Messages API `tools` entries: `{name, description, input_schema}`. */
export const anthropicTarget: TargetAdapter = {
  nameRule: { allowedChar: /[a-zA-Z0-9_-]/, maxLength: 64 },
  render: (tool, name) => ({ definition: { name, description: tool.description, input_schema: tool.inputSchema } }),
  check(definition) {
    if (!isRecord(definition)) return ['must be an object'];
    return [
      ...nameProblems(definition['name'], ANTHROPIC_NAME, '^[a-zA-Z0-9_-]{1,64}$'),
      ...descriptionProblems(definition['description'], false),
      ...objectSchemaProblems(definition['input_schema'], 'input_schema'),
    ];
  },
  nameOf: (definition) => (isRecord(definition) && typeof definition['name'] === 'string' ? definition['name'] : undefined),
};
