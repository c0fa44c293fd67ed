/**
 * What OpenAI's strict mode (Structured Outputs for function calling) accepts, as configuration: the
 * documented limits and supported subset have changed over time, so operators can follow the vendor
 * without a release. Both the strict renderer and the strict checker read these rules.
 */
export interface StrictModeRules {
  /** Properties counted over the whole schema, `$defs` included. */
  readonly maxProperties: number;
  /** Object schemas on one path from the root (the root object is level 1). */
  readonly maxNestingDepth: number;
  /** Enum values counted over the whole schema. */
  readonly maxEnumValues: number;
  /** Keywords a strict schema may carry; the renderer drops others (our validator still applies them). */
  readonly keywords: ReadonlySet<string>;
  /** `format` values the model is constrained to; other formats are dropped from the rendered schema. */
  readonly formats: ReadonlySet<string>;
}

export const DEFAULT_STRICT_MODE_RULES: StrictModeRules = {
  maxProperties: 5_000,
  maxNestingDepth: 10,
  maxEnumValues: 1_000,
  keywords: new Set([
    'type',
    'properties',
    'required',
    'additionalProperties',
    'items',
    'anyOf',
    '$ref',
    '$defs',
    'enum',
    'description',
    // Strings, numbers and arrays: the constraints OpenAI documents as supported in strict mode.
    'pattern',
    'format',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'minItems',
    'maxItems',
  ]),
  formats: new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']),
};

/** Defaults with some rules replaced, e.g. `{ maxEnumValues: 500 }`. */
export function strictModeRules(overrides: Partial<StrictModeRules> = {}): StrictModeRules {
  return { ...DEFAULT_STRICT_MODE_RULES, ...overrides };
}
