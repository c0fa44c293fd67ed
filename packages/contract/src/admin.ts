import { Type, type Static } from '@sinclair/typebox';

const Name = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,23}$',
  description: 'lower case letters, digits and underscores; starts with a letter; up to 24 characters',
});

/** How to reach an MCP server plugin: a command the gateway runs (stdio) or a URL. */
export const McpConnectionSchema = Type.Union([
  Type.Object(
    {
      transport: Type.Literal('stdio'),
      command: Type.String({ minLength: 1, maxLength: 1024 }),
      args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 64 })),
      /** The child's only environment besides PATH, HOME and locale: never the gateway's own. */
      env: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ maxLength: 8192 }))),
      cwd: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      transport: Type.Union([Type.Literal('streamable-http'), Type.Literal('sse')]),
      url: Type.String({ pattern: '^https?://', maxLength: 2048 }),
    },
    { additionalProperties: false },
  ),
]);
export type McpConnectionSchema = Static<typeof McpConnectionSchema>;

export const ImportPluginRequest = Type.Object(
  {
    name: Name,
    /** http(s) URL the gateway fetches, or a label for `spec` (e.g. the local file path). */
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    /** The spec document itself (JSON or YAML text), when the caller read it locally. */
    spec: Type.Optional(Type.String({ minLength: 1 })),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
    allowPrivateNetwork: Type.Optional(Type.Boolean()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600000 })),
    /** Accept ChatGPT manifests with the mistakes ChatGPT tolerated, reported as warnings. */
    lenient: Type.Optional(Type.Boolean()),
    /** An MCP server instead of a spec. */
    mcp: Type.Optional(McpConnectionSchema),
  },
  { additionalProperties: false },
);
export type ImportPluginRequest = Static<typeof ImportPluginRequest>;

/** Re-read a plugin's source (or its MCP server's tool list) and pin the result. */
export const SyncPluginRequest = Type.Object(
  {
    /** The spec text, for plugins imported from a local file or inline text. */
    spec: Type.Optional(Type.String({ minLength: 1 })),
    lenient: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SyncPluginRequest = Static<typeof SyncPluginRequest>;

export const RiskTierSchema = Type.Union([
  Type.Literal('read'),
  Type.Literal('write'),
  Type.Literal('consequential'),
  Type.Literal('destructive'),
]);

/**
 * An admin's decision on a tool. `reviewDigest` is the one shown with what the admin looked at (it covers the
 * definition hash, how the tool runs and its tier): a tool that changed since is refused with CONFLICT.
 */
export const ReviewToolRequest = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    reviewDigest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    riskTier: Type.Optional(RiskTierSchema),
  },
  { additionalProperties: false },
);
export type ReviewToolRequest = Static<typeof ReviewToolRequest>;

/**
 * Principal attributes conditional policies test (`principal.attrs.<name>`); their names and Cedar types
 * are declared in config `policy.principalAttributes`, and values are checked against them on save.
 */
export const PrincipalAttributes = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
  // Values are typed by the server's config, not here: a union of scalars and arrays would let the
  // HTTP layer's type coercion turn ["a1"] into "a1".
  Type.Unknown({ description: 'a string, integer, boolean, or array of strings or of integers, as configured' }),
  { maxProperties: 64 },
);
export type PrincipalAttributes = Static<typeof PrincipalAttributes>;

export const CreatePrincipalRequest = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$' }),
    kind: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('service')])),
    roles: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { maxItems: 32 })),
    attributes: Type.Optional(PrincipalAttributes),
  },
  { additionalProperties: false },
);
export type CreatePrincipalRequest = Static<typeof CreatePrincipalRequest>;

export const UpdatePrincipalRequest = Type.Object(
  {
    roles: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { maxItems: 32 })),
    disabled: Type.Optional(Type.Boolean()),
    /** Replaces all attributes. */
    attributes: Type.Optional(PrincipalAttributes),
  },
  { additionalProperties: false },
);
export type UpdatePrincipalRequest = Static<typeof UpdatePrincipalRequest>;

export const CreateKeyRequest = Type.Object(
  {
    /** Principal id or name. */
    principal: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type CreateKeyRequest = Static<typeof CreateKeyRequest>;

export const GrantActionSchema = Type.Union([
  Type.Literal('list'),
  Type.Literal('invoke'),
  Type.Literal('approve'),
  Type.Literal('administer'),
]);

export const CreateGrantRequest = Type.Object(
  {
    /** `principal:<id or name>` or `role:<role>`. */
    subject: Type.String({ pattern: '^(principal|role):.+$' }),
    /** `plugin:<name>` or `tool:<name>`. */
    target: Type.String({ pattern: '^(plugin|tool):.+$' }),
    environment: Type.Optional(Type.String({ pattern: '^(\\*|[a-z][a-z0-9_-]{0,31})$' })),
    effect: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny')])),
    requireApproval: Type.Optional(Type.Boolean()),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    /** What the grant permits; default `["invoke"]` (`invoke` implies `list`). */
    actions: Type.Optional(Type.Array(GrantActionSchema, { minItems: 1, maxItems: 4, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateGrantRequest = Static<typeof CreateGrantRequest>;

export const AuditQueryString = Type.Object(
  {
    principal: Type.Optional(Type.String()),
    action: Type.Optional(Type.String()),
    decision: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('approval_required')])),
    errorCode: Type.Optional(Type.String()),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type AuditQueryString = Static<typeof AuditQueryString>;
