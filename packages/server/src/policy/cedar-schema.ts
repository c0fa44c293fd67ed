import { schemaToText, type SchemaJson, type Type } from '@cedar-policy/cedar-wasm/nodejs';
import { GatewayError } from '../core/gateway-error.js';
import type { PrincipalAttributeType } from '../core/policy.js';
import type { PrincipalAttributeValue } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import { cedarTypeOf, recordShapeOf, type ArgShape, type OmittedArg } from './arg-shape.js';
import { CedarValueError, toCedarValue } from './cedar-value.js';

export const NAMESPACE = 'Toolgate';
export const PRINCIPAL_TYPE = `${NAMESPACE}::Principal`;
export const TOOL_TYPE = `${NAMESPACE}::Tool`;
export const ACTION_TYPE = `${NAMESPACE}::Action`;

export type PrincipalAttributeTypes = Readonly<Record<string, PrincipalAttributeType>>;
export type RecordShape = ArgShape & { kind: 'Record' };

/** A tool's Cedar view: the schema its policies are validated against and how its arguments convert. */
export interface ToolPolicySchema {
  readonly schema: SchemaJson<string>;
  readonly args: RecordShape;
  /** Arguments policies cannot test, and why. */
  readonly omitted: readonly OmittedArg[];
}

const ATTRIBUTE_SHAPES: Readonly<Record<PrincipalAttributeType, ArgShape>> = {
  String: { kind: 'String' },
  Long: { kind: 'Long' },
  Boolean: { kind: 'Boolean' },
  'Set<String>': { kind: 'Set', element: { kind: 'String' } },
  'Set<Long>': { kind: 'Set', element: { kind: 'Long' } },
};

/** Configured attributes are all optional: a principal may not have them set, so policies test `has` first. */
export function attributesShape(types: PrincipalAttributeTypes): RecordShape {
  const attributes = new Map<string, { shape: ArgShape; required: boolean }>();
  for (const [name, type] of Object.entries(types)) attributes.set(name, { shape: ATTRIBUTE_SHAPES[type], required: false });
  return { kind: 'Record', attributes };
}

const STRING: Type<string> = { type: 'String' };
const LONG: Type<string> = { type: 'Long' };

/** The generated schema (namespace `Toolgate`) of one tool, from its input JSON Schema and the configured attributes. */
export function toolPolicySchema(tool: Tool, attributeTypes: PrincipalAttributeTypes): ToolPolicySchema {
  const omitted: OmittedArg[] = [];
  const args = recordShapeOf(tool.inputSchema, '', omitted);
  const schema: SchemaJson<string> = {
    [NAMESPACE]: {
      entityTypes: {
        Principal: {
          shape: {
            type: 'Record',
            attributes: {
              name: STRING,
              kind: STRING,
              roles: { type: 'Set', element: STRING },
              attrs: cedarTypeOf(attributesShape(attributeTypes)),
            },
          },
        },
        Tool: { shape: { type: 'Record', attributes: { name: STRING, plugin: STRING, riskTier: STRING } } },
      },
      actions: {
        invoke: {
          appliesTo: {
            principalTypes: ['Principal'],
            resourceTypes: ['Tool'],
            context: {
              type: 'Record',
              attributes: {
                args: cedarTypeOf(args),
                now: {
                  type: 'Record',
                  attributes: { hour: LONG, minute: LONG, weekday: LONG, date: STRING, epochSeconds: LONG },
                },
                sourceIp: { type: 'Extension', name: 'ipaddr', required: false },
                environment: STRING,
                surface: STRING,
              },
            },
          },
        },
      },
    },
  };
  return { schema, args, omitted };
}

/** The schema in Cedar's human-readable syntax, for authors (`__cedar::` prefixes dropped). */
export function schemaAsText(schema: SchemaJson<string>): string {
  const answer = schemaToText(schema);
  if (answer.type === 'failure') throw new Error(`generated schema does not print: ${answer.errors.map((e) => e.message).join('; ')}`);
  return answer.text.replaceAll('__cedar::', '');
}

/** Checks attribute values against config `policy.principalAttributes`; BAD_REQUEST names the attribute. */
export function checkPrincipalAttributes(
  values: Readonly<Record<string, unknown>>,
  types: PrincipalAttributeTypes,
): asserts values is Readonly<Record<string, PrincipalAttributeValue>> {
  const declared = Object.keys(types);
  for (const [name, value] of Object.entries(values)) {
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    if (type === undefined) {
      throw new GatewayError('BAD_REQUEST', {
        message: `Unknown principal attribute "${name}". Declared attributes (config policy.principalAttributes): ${declared.join(', ') || '(none)'}.`,
        details: { path: `body/attributes/${name}` },
      });
    }
    try {
      toCedarValue(ATTRIBUTE_SHAPES[type], value, name);
    } catch (err) {
      if (!(err instanceof CedarValueError)) throw err;
      throw new GatewayError('BAD_REQUEST', {
        message: `Principal attribute "${name}" must be a ${type}.`,
        details: { path: `body/attributes/${name}` },
      });
    }
  }
}
