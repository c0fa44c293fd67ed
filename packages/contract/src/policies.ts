import { Type, type Static } from '@sinclair/typebox';

/** A conditional Cedar policy as admins send it; exactly one of `tool` and `plugin` names what it is attached to. */
export const PolicyRequest = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    tool: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    plugin: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** One or more Cedar `permit`/`forbid` statements over the schema of GET /v1/admin/policies/schema?tool=. */
    cedar: Type.String({ minLength: 1, maxLength: 100_000 }),
    /** `shadow` policies are evaluated for comparison only and never decide a call. Default `active`. */
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('shadow')])),
  },
  { additionalProperties: false },
);
export type PolicyRequest = Static<typeof PolicyRequest>;

export const PolicySchemaQuery = Type.Object({ tool: Type.String({ minLength: 1 }) }, { additionalProperties: false });
export type PolicySchemaQuery = Static<typeof PolicySchemaQuery>;

const Action = Type.Union([Type.Literal('list'), Type.Literal('invoke'), Type.Literal('approve'), Type.Literal('administer')]);

/** POST /v1/admin/policy/explain: how the gateway would decide this request, and what would change it. */
export const PolicyExplainRequest = Type.Object(
  {
    /** Principal name or id. */
    principal: Type.String({ minLength: 1 }),
    tool: Type.String({ minLength: 1 }),
    action: Type.Optional(Action),
    arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    environment: Type.Optional(Type.String({ minLength: 1 })),
    sourceIp: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type PolicyExplainRequest = Static<typeof PolicyExplainRequest>;

export const PolicyWhoCanQuery = Type.Object(
  { tool: Type.String({ minLength: 1 }), action: Type.Optional(Action) },
  { additionalProperties: false },
);
export type PolicyWhoCanQuery = Static<typeof PolicyWhoCanQuery>;

export const PolicyWhatCanQuery = Type.Object(
  { principal: Type.String({ minLength: 1 }), action: Type.Optional(Action) },
  { additionalProperties: false },
);
export type PolicyWhatCanQuery = Static<typeof PolicyWhatCanQuery>;

export const ShadowDiffsQuery = Type.Object(
  { since: Type.Optional(Type.String({ format: 'date-time' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);
export type ShadowDiffsQuery = Static<typeof ShadowDiffsQuery>;
