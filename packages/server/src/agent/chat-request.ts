import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import { GatewayError } from '../core/gateway-error.js';
import type { ChatMessage } from './chat-types.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];

const ToolCall = Type.Object({
  id: Type.String({ minLength: 1 }),
  type: Type.Literal('function'),
  function: Type.Object({ name: Type.String({ minLength: 1 }), arguments: Type.String() }),
});

const Message = Type.Object(
  {
    role: Type.Unsafe<string>({ type: 'string', enum: ROLES }),
    content: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Object({})), Type.Null()])),
    name: Type.Optional(Type.String()),
    tool_calls: Type.Optional(Type.Array(ToolCall)),
    tool_call_id: Type.Optional(Type.String({ minLength: 1 })),
  },
  // Newer message fields (refusal, audio…) go to the provider as they are.
  { additionalProperties: true },
);

const ClientTool = Type.Object({
  type: Type.Literal('function'),
  function: Type.Object(
    {
      name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' }),
      description: Type.Optional(Type.String()),
      parameters: Type.Optional(Type.Object({})),
      strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    },
    { additionalProperties: false },
  ),
});

/** The fields the gateway itself reads; every other top-level field must be a known OpenAI parameter. */
const ChatBody = Type.Object({
  model: Type.String({ minLength: 1, maxLength: 256 }),
  messages: Type.Array(Message, { minItems: 1 }),
  tools: Type.Optional(Type.Array(ClientTool)),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(
    Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: true }), Type.Null()]),
  ),
  tool_execution: Type.Optional(Type.Unsafe<'gateway' | 'client'>({ type: 'string', enum: ['gateway', 'client'] })),
  n: Type.Optional(Type.Union([Type.Literal(1), Type.Null()])),
});
type ChatBody = Static<typeof ChatBody>;

/** OpenAI Chat Completions parameters passed to the provider untouched (the provider validates their values). */
const FORWARDED = new Set([
  'audio',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'temperature',
  'tool_choice',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);
const OWN_FIELDS = new Set(Object.keys(ChatBody.properties));

export type ClientTool = Static<typeof ClientTool>;
export type ToolExecution = 'gateway' | 'client';

export interface ChatRequest {
  readonly model: string;
  readonly messages: ChatMessage[];
  readonly clientTools: ClientTool[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly toolExecution: ToolExecution;
  /** Known OpenAI parameters, sent to the provider on every step (tool_choice is handled by the loop). */
  readonly forwarded: Record<string, unknown>;
}

const ajv = new Ajv({ strict: false, allErrors: false });
const validateBody = ajv.compile<ChatBody>(ChatBody);

/**
 * Reads a chat-completions body. Anything the gateway cannot pass on faithfully is refused naming the
 * field, because a silently dropped parameter changes what the model does without anyone noticing.
 */
export function parseChatRequest(body: unknown, executionHeader: string | undefined): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('body', 'must be a JSON object with "model" and "messages"');
  }
  for (const field of Object.keys(body)) {
    if (field === 'functions' || field === 'function_call') {
      throw badRequest(`body/${field}`, 'is the deprecated functions API; send "tools" (and "tool_choice") instead');
    }
    if (!OWN_FIELDS.has(field) && !FORWARDED.has(field)) throw badRequest(`body/${field}`, 'is not a known chat-completions parameter');
  }
  if (!validateBody(body)) {
    const first = validateBody.errors?.[0];
    const { path, problem } = first ? describe(first) : { path: 'body', problem: 'is invalid' };
    throw badRequest(path, problem);
  }
  body.messages.forEach((m, i) => {
    if (m.role === 'tool' && m.tool_call_id === undefined)
      throw badRequest(`body/messages/${i}/tool_call_id`, 'is required on a tool message');
  });
  const forwarded: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) if (FORWARDED.has(field)) forwarded[field] = value;
  return {
    model: body.model,
    messages: body.messages,
    clientTools: body.tools ?? [],
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    toolExecution: toolExecution(body.tool_execution, executionHeader),
    forwarded,
  };
}

function toolExecution(field: ToolExecution | undefined, header: string | undefined): ToolExecution {
  if (header !== undefined && header !== 'client' && header !== 'gateway') {
    throw badRequest('headers/x-toolgate-tool-execution', 'must be "client" or "gateway"');
  }
  return field === 'client' || header === 'client' ? 'client' : 'gateway';
}

function describe(error: ErrorObject): { path: string; problem: string } {
  const at = `body${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return { path: `${at}/${String(params['missingProperty'])}`, problem: 'is required' };
  if (error.keyword === 'additionalProperties') {
    return { path: `${at}/${String(params['additionalProperty'])}`, problem: 'is not an accepted field' };
  }
  const allowed = Array.isArray(params['allowedValues']) ? ` (${params['allowedValues'].join(', ')})` : '';
  return { path: at, problem: `${error.message ?? 'is invalid'}${allowed}` };
}

function badRequest(path: string, problem: string): GatewayError {
  return new GatewayError('BAD_REQUEST', { message: `${path} ${problem}. Fix it and send again.`, details: { path, problem } });
}
