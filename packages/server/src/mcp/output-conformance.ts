import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../core/tool.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats(ajv);

/** Compiling costs milliseconds, so validators are compiled once per definition hash; null: not compilable. */
const validators = new Map<string, ValidateFunction | null>();

function validatorFor(definitionHash: string, schema: JsonSchema): ValidateFunction | null {
  let validate = validators.get(definitionHash);
  if (validate === undefined) {
    try {
      validate = ajv.compile(schema);
    } catch {
      // A schema ajv cannot compile (an unknown $schema dialect, say) cannot be checked here; the import
      // checks already accepted it as a schema, so the result is passed on rather than refused.
      validate = null;
    }
    validators.set(definitionHash, validate);
  }
  return validate;
}

/**
 * Why `value` does not conform to the tool's output schema, or undefined when it does. MCP requires
 * `structuredContent` to conform to `outputSchema` (and SDK clients reject results that do not).
 */
export function outputSchemaProblem(definitionHash: string, schema: JsonSchema, value: unknown): string | undefined {
  const validate = validatorFor(definitionHash, schema);
  if (validate === null || validate(value)) return undefined;
  const first = validate.errors?.[0];
  return first === undefined
    ? 'it does not match'
    : `${first.instancePath === '' ? '/' : first.instancePath} ${first.message ?? 'is invalid'}`;
}
