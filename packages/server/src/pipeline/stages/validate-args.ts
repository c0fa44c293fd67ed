import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { canonicalDigest } from '../../core/canonical-digest.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ResolvedCall, ValidatedCall } from '../call-types.js';
import { stripStrictNulls } from '../strip-strict-nulls.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats(ajv);

/** Compiling costs ~2 ms per schema, so validators are compiled on first use and cached by definition hash. */
const validators = new Map<string, ValidateFunction>();

function validatorFor(call: ResolvedCall): ValidateFunction {
  const key = call.tool.definitionHash;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(call.tool.inputSchema);
    validators.set(key, validate);
  }
  return validate;
}

function describe(error: ErrorObject): { path: string; problem: string } {
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    return { path: `${error.instancePath}/${extra}`, problem: 'is not a field this tool accepts' };
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    return { path: `${error.instancePath}/${missing}`, problem: 'is required' };
  }
  return { path: error.instancePath === '' ? '/' : error.instancePath, problem: error.message ?? 'is invalid' };
}

/**
 * Checks the arguments against the tool's input schema; the error names the path of the bad field. A `null`
 * for an optional field whose schema does not accept null is read as "absent" first: models given strict-mode
 * definitions (every field required, optional ones nullable) send exactly that, and it must not reach upstream.
 */
export function validateArgs(call: ResolvedCall): ValidatedCall {
  const args = call.args === undefined || call.args === null ? {} : stripStrictNulls(call.tool.inputSchema, call.args);
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new GatewayError('ARGS_INVALID', { details: { path: '/', problem: 'arguments must be a JSON object' } });
  }
  const validate = validatorFor(call);
  if (!validate(args)) {
    const first = validate.errors?.[0];
    const { path, problem } = first ? describe(first) : { path: '/', problem: 'is invalid' };
    const code = first?.keyword === 'additionalProperties' ? 'ARGS_UNKNOWN' : 'ARGS_INVALID';
    throw new GatewayError(code, {
      message: `Argument ${path} ${problem}. Fix it and call again.`,
      details: { path, problem },
      reason: `${path} ${problem}`,
    });
  }
  const validArgs = args as Record<string, unknown>;
  return { ...call, validArgs, argsDigest: canonicalDigest(validArgs) };
}
