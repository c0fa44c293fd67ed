import type { ElicitRequestFormParams } from '@modelcontextprotocol/sdk/types.js';

/**
 * The tool list of the conformance fixture: the names and arguments the suite's server scenarios call.
 * Every tool only answers (none changes anything), so each says so in its annotations. The gateway does
 * not trust that to lower a tier (they are imported as `write`), but an honest server should still say it.
 */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const NO_ARGUMENTS = { type: 'object', properties: {} } as const;

const tool = (name: string, description: string, inputSchema: Record<string, unknown> = NO_ARGUMENTS) =>
  ({ name, description, inputSchema, annotations: READ_ONLY }) as const;

export const CONFORMANCE_TOOLS = [
  tool('test_simple_text', 'Returns a simple text response (scenario tools-call-simple-text).'),
  tool('test_image_content', 'Returns a 1x1 PNG image (scenario tools-call-image).'),
  tool('test_audio_content', 'Returns a short silent WAV clip (scenario tools-call-audio).'),
  tool('test_embedded_resource', 'Returns an embedded text resource (scenario tools-call-embedded-resource).'),
  tool('test_multiple_content_types', 'Returns text, an image and an embedded resource (scenario tools-call-mixed-content).'),
  tool('test_tool_with_logging', 'Sends three info log messages while it runs (scenario tools-call-with-logging).'),
  tool('test_tool_with_progress', 'Reports progress 0, 50 and 100 of 100 when given a progress token (scenario tools-call-with-progress).'),
  tool('test_error_handling', 'Always reports a tool error (scenario tools-call-error).'),
  tool('test_sampling', 'Asks the client for an LLM completion of `prompt` (scenario tools-call-sampling).', {
    type: 'object',
    properties: { prompt: { type: 'string', description: 'The prompt to send to the LLM' } },
    required: ['prompt'],
  }),
  tool('test_elicitation', 'Asks the user for a username and email (scenario tools-call-elicitation).', {
    type: 'object',
    properties: { message: { type: 'string', description: 'The message to show the user' } },
    required: ['message'],
  }),
  tool('test_elicitation_sep1034_defaults', 'Asks the user for a form whose fields have defaults (scenario elicitation-sep1034-defaults).'),
  tool('test_elicitation_sep1330_enums', 'Asks the user for a form with every enum variant (scenario elicitation-sep1330-enums).'),
  tool('json_schema_2020_12_tool', 'Tool with JSON Schema 2020-12 features (scenario json-schema-2020-12).', {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
    properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
    additionalProperties: false,
  }),
  tool('test_reconnection', 'Answers after a short delay (scenario server-sse-polling).'),
];

/** The forms the elicitation tools ask for, as their scenarios describe them. */
export const ELICITATION_FORMS = {
  contact: {
    type: 'object',
    properties: {
      username: { type: 'string', description: "User's response" },
      email: { type: 'string', description: "User's email address" },
    },
    required: ['username', 'email'],
  },
  // SEP-1034: a default for every primitive type.
  withDefaults: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'User name', default: 'John Doe' },
      age: { type: 'integer', description: 'User age', default: 30 },
      score: { type: 'number', description: 'User score', default: 95.5 },
      status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
      verified: { type: 'boolean', description: 'Verification status', default: true },
    },
  },
  // SEP-1330: untitled and titled single-select, the legacy enumNames form, untitled and titled multi-select.
  everyEnumKind: {
    type: 'object',
    properties: {
      untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
      titledSingle: {
        type: 'string',
        oneOf: [
          { const: 'value1', title: 'First Option' },
          { const: 'value2', title: 'Second Option' },
          { const: 'value3', title: 'Third Option' },
        ],
      },
      legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
      untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
      titledMulti: {
        type: 'array',
        items: {
          anyOf: [
            { const: 'value1', title: 'First Choice' },
            { const: 'value2', title: 'Second Choice' },
            { const: 'value3', title: 'Third Choice' },
          ],
        },
      },
    },
  },
} satisfies Record<string, ElicitRequestFormParams['requestedSchema']>;
