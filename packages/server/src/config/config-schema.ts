import { Type, type Static } from '@sinclair/typebox';

/** A string enum as plain JSON Schema `enum`, so validation errors list the allowed values. */
function StringEnum<T extends string[]>(values: [...T], opts: { default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: values, ...opts });
}

const RiskTier = StringEnum(['read', 'write', 'consequential', 'destructive']);

/** Plugins declared in the config file are imported at start when they do not exist yet. */
const DeclaredPlugin = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z][a-z0-9_]{0,23}$',
      description: 'plugin name: lower case, digits, underscore; up to 24 characters',
    }),
    source: Type.String({ minLength: 1, description: 'path or http(s) URL of the OpenAPI document' }),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'absolute http(s) URL that overrides the spec servers' })),
    allowPrivateNetwork: Type.Boolean({ default: false }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  },
  { additionalProperties: false },
);

/** Where approval events are posted (through the SSRF-safe fetcher; private addresses only when allowed). */
const ApprovalWebhook = Type.Object(
  {
    url: Type.String({ pattern: '^https?://' }),
    format: StringEnum(['json', 'slack'], { default: 'json' }),
    events: Type.Array(StringEnum(['requested', 'decided', 'executed', 'expired']), {
      default: ['requested', 'decided', 'executed', 'expired'],
      uniqueItems: true,
    }),
    allowPrivateNetwork: Type.Boolean({ default: false, description: 'allow a webhook on loopback or a private network' }),
  },
  { additionalProperties: false },
);

// Overrides carry no defaults: a field a plugin leaves out must come from the global section, not be filled in.
const limit = (dflt: number, minimum: number, maximum: number, withDefault: boolean, description?: string) =>
  Type.Integer({ minimum, maximum, ...(withDefault ? { default: dflt } : {}), ...(description ? { description } : {}) });
const retryLimits = (d: boolean) => ({
  maxAttempts: limit(3, 1, 10, d, 'attempts in all, the first included; only safe tools are retried'),
  baseDelayMs: limit(100, 0, 60_000, d),
  maxDelayMs: limit(2000, 0, 60_000, d),
});
const breakerLimits = (d: boolean) => ({
  consecutiveFailures: limit(5, 1, 1000, d),
  halfOpenAfterMs: limit(10_000, 10, 3_600_000, d),
});
const bulkheadLimits = (d: boolean) => ({
  maxConcurrent: limit(32, 1, 10_000, d),
  maxQueued: limit(64, 0, 100_000, d),
});
const strict = { additionalProperties: false } as const;
const PluginNameKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,23}$' });
const ToolNameKey = Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' });

/** What answers when a plugin is down or slow (see docs/configuration.md, "Fallbacks"). */
const Fallback = Type.Object(
  {
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'returned as a tool error instead of the failure' })),
    staleCache: Type.Optional(
      Type.Boolean({ description: 'serve an expired cached result (read tools, within cache staleIfErrorSeconds)' }),
    ),
  },
  strict,
);

/** Caching of one plugin's or tool's read results; a tool's fields override its plugin's. */
const CacheRule = Type.Object(
  {
    ttlSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 604_800, description: 'how long a result is served from cache; 0: off' }),
    ),
    public: Type.Optional(Type.Boolean({ description: 'one cached result for every caller; otherwise per principal' })),
    staleIfErrorSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 604_800, description: 'how long after expiry a result may still answer for a failing plugin' }),
    ),
  },
  strict,
);

/** Per-plugin resilience: defaults for all plugins, and partial overrides by plugin name. */
const Resilience = Type.Object(
  {
    retry: Type.Object(retryLimits(true), { ...strict, default: {} }),
    breaker: Type.Object(breakerLimits(true), { ...strict, default: {} }),
    bulkhead: Type.Object(bulkheadLimits(true), { ...strict, default: {} }),
    plugins: Type.Record(
      Type.String({ pattern: '^[a-z][a-z0-9_]{0,23}$' }),
      Type.Object(
        {
          retry: Type.Optional(Type.Partial(Type.Object(retryLimits(false), strict))),
          breaker: Type.Optional(Type.Partial(Type.Object(breakerLimits(false), strict))),
          bulkhead: Type.Optional(Type.Partial(Type.Object(bulkheadLimits(false), strict))),
          fallback: Type.Optional(Fallback),
        },
        strict,
      ),
      { default: {} },
    ),
    // Per tool only what concerns one call; breaker and bulkhead protect the whole plugin.
    tools: Type.Record(
      ToolNameKey,
      Type.Object(
        {
          timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
          retry: Type.Optional(Type.Partial(Type.Object(retryLimits(false), strict))),
          fallback: Type.Optional(Fallback),
        },
        strict,
      ),
      { default: {} },
    ),
  },
  { ...strict, default: {} },
);

/** The in-memory response cache of read tools; nothing is cached unless a plugin or tool sets a TTL. */
const Cache = Type.Object(
  {
    maxEntries: Type.Integer({ default: 5000, minimum: 1, maximum: 10_000_000 }),
    maxBytes: Type.Integer({ default: 33_554_432, minimum: 1024, description: 'bytes of cached bodies in all' }),
    plugins: Type.Record(PluginNameKey, CacheRule, { default: {} }),
    tools: Type.Record(ToolNameKey, CacheRule, { default: {} }),
  },
  { ...strict, default: {} },
);

// The output filter's modes; overrides carry no defaults, so a field left out comes from the level above.
const guardModes = (d: boolean) => ({
  secrets: StringEnum(['redact', 'block', 'off'], d ? { default: 'redact' } : {}),
  pii: StringEnum(['redact', 'off'], d ? { default: 'redact' } : {}),
  piiKinds: Type.Optional(
    Type.Array(StringEnum(['email', 'payment_card', 'us_ssn', 'iban', 'phone']), {
      uniqueItems: true,
      description: 'which kinds of personal data are redacted; default: all',
    }),
  ),
});

/** Secrets and personal data in tool results (docs/output-filtering.md): defaults, then by plugin, then by tool. */
const Guard = Type.Object(
  {
    ...guardModes(true),
    plugins: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,23}$' }), Type.Partial(Type.Object(guardModes(false), strict)), {
      default: {},
    }),
    tools: Type.Record(Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' }), Type.Partial(Type.Object(guardModes(false), strict)), {
      default: {},
    }),
  },
  { ...strict, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1 }),
        port: Type.Integer({ default: 8787, minimum: 0, maximum: 65535 }),
        bodyLimitBytes: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 104_857_600 }),
        publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
      },
      { additionalProperties: false, default: {} },
    ),
    dataDir: Type.String({ default: './data', minLength: 1 }),
    environment: Type.String({ default: 'development', pattern: '^[a-z][a-z0-9_-]{0,31}$' }),
    logLevel: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
    limits: Type.Object(
      {
        callsPerMinutePerPrincipal: Type.Integer({
          default: 600,
          minimum: 1,
          description: 'calls per minute per principal when limits.rate.perPrincipal is not set (kept for existing configs)',
        }),
        rate: Type.Object(
          {
            global: Type.Optional(Type.Integer({ minimum: 1, description: 'calls per minute through the whole gateway' })),
            perPlugin: Type.Optional(Type.Integer({ minimum: 1, description: 'calls per minute to each plugin' })),
            perPrincipal: Type.Optional(
              Type.Integer({ minimum: 1, description: 'calls per minute per principal; overrides callsPerMinutePerPrincipal' }),
            ),
            perPrincipalTool: Type.Optional(Type.Integer({ minimum: 1, description: 'calls per minute per principal and tool' })),
          },
          { additionalProperties: false, default: {} },
        ),
        quota: Type.Object(
          {
            dailyPerPrincipal: Type.Optional(Type.Integer({ minimum: 1, description: 'calls per UTC day per principal' })),
            dailyPerPrincipalTool: Type.Optional(Type.Integer({ minimum: 1, description: 'calls per UTC day per principal and tool' })),
          },
          { additionalProperties: false, default: {} },
        ),
        // Where rate buckets and quotas are counted: memory (one node) or redis (shared by every node).
        store: StringEnum(['memory', 'redis'], { default: 'memory' }),
        redisUrl: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
        upstreamTimeoutMs: Type.Integer({ default: 30_000, minimum: 100, maximum: 600_000 }),
        maxResponseBytes: Type.Integer({ default: 5_000_000, minimum: 1024 }),
        maxOutputChars: Type.Integer({ default: 100_000, minimum: 100 }),
      },
      { additionalProperties: false, default: {} },
    ),
    resilience: Resilience,
    cache: Cache,
    approval: Type.Object(
      {
        requiredTiers: Type.Array(RiskTier, { default: ['consequential', 'destructive'], uniqueItems: true }),
        ttlSeconds: Type.Integer({
          default: 3600,
          minimum: 10,
          maximum: 2_592_000,
          description: 'how long an approval request waits for approvers before it expires (and the call is denied)',
        }),
        twoPersonTools: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          uniqueItems: true,
          description: 'tool names whose calls need two distinct approvers (the two-person rule)',
        }),
        webhooks: Type.Array(ApprovalWebhook, { default: [], description: 'notified on approval events, in the background' }),
      },
      { additionalProperties: false, default: {} },
    ),
    guard: Guard,
    plugins: Type.Array(DeclaredPlugin, { default: [] }),
    mcp: Type.Object(
      {
        allowStdio: Type.Boolean({
          default: false,
          description:
            'let admins add MCP servers the gateway runs as commands (stdio): that is running code on this host as the gateway user; off by default',
        }),
        allowedOrigins: Type.Array(Type.String({ pattern: '^https?://[^/]+$' }), {
          default: [],
          uniqueItems: true,
          description:
            'browser origins (scheme://host[:port]) allowed to call /mcp; requests without an Origin header (non-browser clients) are always allowed',
        }),
        keepAliveSeconds: Type.Integer({
          default: 15,
          minimum: 1,
          maximum: 300,
          description: 'seconds between keep-alives on an MCP notification stream; each re-checks the credential',
        }),
        sessionTtlSeconds: Type.Integer({
          default: 86_400,
          minimum: 60,
          maximum: 2_592_000,
          description: 'idle lifetime of an MCP session',
        }),
        pageSize: Type.Integer({ default: 100, minimum: 1, maximum: 1000, description: 'tools per tools/list page on /mcp' }),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        credentialCacheSeconds: Type.Number({
          default: 5,
          minimum: 0,
          maximum: 300,
          description:
            'how long a found API key or token principal is kept in memory; changes made through this gateway apply at once, this bounds changes made through another node (0: look up every call)',
        }),
        oauth: Type.Optional(
          Type.Object(
            {
              issuer: Type.String({ pattern: '^https?://', description: "the authorization server's issuer URL (the token's iss)" }),
              audience: Type.Optional(
                Type.String({
                  minLength: 1,
                  description: 'the aud tokens must carry; default: the public URL of /mcp (RFC 8707 resource)',
                }),
              ),
              jwksUrl: Type.Optional(
                Type.String({ pattern: '^https?://', description: "where the issuer's signing keys are; default: read from its metadata" }),
              ),
              principalClaim: Type.String({ default: 'sub', minLength: 1, description: 'the claim naming the Toolgate principal' }),
              scopesSupported: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
              allowPrivateNetwork: Type.Boolean({ default: false, description: 'allow an issuer on loopback or a private network' }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    models: Type.Object(
      {
        maxSteps: Type.Integer({ default: 8, minimum: 1, maximum: 64, description: 'model calls per chat turn before CHAT_STEP_LIMIT' }),
        providers: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }),
              baseUrl: Type.String({ pattern: '^https?://', description: 'OpenAI-compatible base URL, e.g. https://api.openai.com/v1' }),
              apiKeyEnv: Type.Optional(
                Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'name of the environment variable holding the API key' }),
              ),
              models: Type.Array(Type.String({ minLength: 1 }), {
                minItems: 1,
                description: 'model names this provider serves; "*" serves any name no other provider lists',
              }),
              timeoutMs: Type.Integer({ default: 60_000, minimum: 100, maximum: 600_000 }),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    policy: Type.Object(
      {
        timezone: Type.String({
          default: 'UTC',
          minLength: 1,
          description: 'IANA time zone of context.now in conditional policies (hour, weekday, date), e.g. Europe/Berlin',
        }),
        principalAttributes: Type.Record(
          Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
          StringEnum(['String', 'Long', 'Boolean', 'Set<String>', 'Set<Long>']),
          {
            default: {},
            description: 'principal attributes policies may test as principal.attrs.<name>, with their Cedar types',
          },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    metrics: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'serve GET /metrics (Prometheus text format); off, it answers NOT_FOUND' }),
        public: Type.Boolean({
          default: false,
          description: 'serve /metrics without authentication: anyone who can reach it sees tool names and call activity',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    examples: Type.Object(
      {
        orders: Type.Boolean({ default: false, description: 'start the example orders API and register it as plugin "orders"' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type ToolgateConfig = Static<typeof ConfigSchema>;
export type DeclaredPluginConfig = Static<typeof DeclaredPlugin>;
export type ModelProviderConfig = ToolgateConfig['models']['providers'][number];
export type ApprovalWebhookConfig = ToolgateConfig['approval']['webhooks'][number];
export type OAuthConfig = NonNullable<ToolgateConfig['auth']['oauth']>;
