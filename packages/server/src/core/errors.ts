/**
 * The one error table (DESIGN.md §6). Every error a caller can see has a code here.
 * `docs/errors.md` lists the same codes; `errors.test.ts` keeps the two equal.
 */
export interface ErrorSpec {
  /** HTTP status on REST and admin surfaces. */
  readonly http: number;
  /** JSON-RPC error code when the MCP surface answers with a protocol error. */
  readonly jsonRpc: number;
  /** Whether the MCP surface reports this as a tool result with `isError: true` instead. */
  readonly mcpToolError: boolean;
  /** Whether retrying the same request later may succeed. */
  readonly retryable: boolean;
  /** Default caller-safe message that says what to do. */
  readonly message: string;
}

export const ERRORS = {
  AUTH_MISSING: {
    http: 401,
    jsonRpc: -32001,
    mcpToolError: false,
    retryable: false,
    message: 'No credentials. Send an API key as "Authorization: Bearer <key>".',
  },
  AUTH_INVALID: {
    http: 401,
    jsonRpc: -32001,
    mcpToolError: false,
    retryable: false,
    message: 'The API key is not valid. Check it was copied whole, or create a new one.',
  },
  AUTH_REVOKED: {
    http: 401,
    jsonRpc: -32001,
    mcpToolError: false,
    retryable: false,
    message: 'The API key has been revoked. Ask an administrator for a new key.',
  },
  AUTH_EXPIRED: {
    http: 401,
    jsonRpc: -32001,
    mcpToolError: false,
    retryable: false,
    message: 'The API key has expired. Ask an administrator for a new key.',
  },
  ADMIN_REQUIRED: {
    http: 403,
    jsonRpc: -32003,
    mcpToolError: false,
    retryable: false,
    message: "This endpoint needs the admin role. Use an administrator's key.",
  },
  TOOL_NOT_FOUND: {
    http: 404,
    jsonRpc: -32602,
    mcpToolError: false,
    retryable: false,
    message: 'No such tool, or you may not use it. List the tools you can call with GET /v1/tools.',
  },
  ARGS_INVALID: {
    http: 400,
    jsonRpc: -32602,
    mcpToolError: true,
    retryable: false,
    message: 'The arguments do not match the tool\'s input schema. Fix the field named in "details".',
  },
  ARGS_UNKNOWN: {
    http: 400,
    jsonRpc: -32602,
    mcpToolError: true,
    retryable: false,
    message: 'The arguments contain a field the tool does not accept. Remove the field named in "details".',
  },
  TOOL_PENDING_REVIEW: {
    http: 409,
    jsonRpc: -32006,
    mcpToolError: true,
    retryable: true,
    message:
      "This tool's definition changed and waits for an administrator's review; it cannot run until approved. Try again after the review.",
  },
  APPROVAL_REQUIRED: {
    http: 403,
    jsonRpc: -32004,
    mcpToolError: true,
    retryable: false,
    message: 'This call needs approval before it can run. Ask an approver, or use a tool that does not.',
  },
  POLICY_DENIED: {
    http: 403,
    jsonRpc: -32007,
    mcpToolError: true,
    retryable: false,
    message: 'A policy forbids this call with these arguments. Change the arguments as the details say, or ask an administrator why.',
  },
  APPROVAL_PENDING: {
    http: 202,
    jsonRpc: -32008,
    mcpToolError: true,
    retryable: true,
    message: 'This call waits for approval and has not run. Check its status at the URL in "details", or ask an approver.',
  },
  APPROVAL_NOT_FOUND: {
    http: 404,
    jsonRpc: -32602,
    mcpToolError: true,
    retryable: false,
    message: 'No such approval request, or you may not see it. List the ones you may see with GET /v1/approvals.',
  },
  APPROVAL_FORBIDDEN: {
    http: 403,
    jsonRpc: -32003,
    mcpToolError: false,
    retryable: false,
    message: 'You may not decide this approval request (you made it, or you hold no approve grant for the tool). Ask another approver.',
  },
  APPROVAL_ALREADY_DECIDED: {
    http: 409,
    jsonRpc: -32009,
    mcpToolError: true,
    retryable: false,
    message: 'This approval request was already decided or has expired. Read its status; make a new call if needed.',
  },
  APPROVAL_EXPIRED: {
    http: 410,
    jsonRpc: -32009,
    mcpToolError: true,
    retryable: false,
    message: 'The approval request expired before it was approved, so the call was denied. Make the call again to ask anew.',
  },
  POLICY_INVALID: {
    http: 422,
    jsonRpc: -32602,
    mcpToolError: false,
    retryable: false,
    message: 'The policy does not parse or does not validate against the schema of its tools. Fix it as "details" says.',
  },
  UPSTREAM_CIRCUIT_OPEN: {
    http: 503,
    jsonRpc: -32018,
    mcpToolError: true,
    retryable: true,
    message: 'The plugin is failing and calls to it are paused for a moment to let it recover. Try again after the time in "details".',
  },
  UPSTREAM_BUSY: {
    http: 503,
    jsonRpc: -32019,
    mcpToolError: true,
    retryable: true,
    message: 'The plugin already has as many calls in flight as it may; this one was not started. Try again shortly.',
  },
  QUOTA_EXCEEDED: {
    http: 429,
    jsonRpc: -32020,
    mcpToolError: true,
    retryable: true,
    message: 'The daily quota is used up. Try again after the time in "details", or ask an administrator for a larger quota.',
  },
  RATE_LIMITED: {
    http: 429,
    jsonRpc: -32005,
    mcpToolError: true,
    retryable: true,
    message: 'Too many calls. Wait for the time in "Retry-After" and try again.',
  },
  RATE_LIMIT_UNAVAILABLE: {
    http: 503,
    jsonRpc: -32021,
    mcpToolError: true,
    retryable: true,
    message:
      'The rate-limit store cannot be reached, so calls are refused until it is back. Try again after the time in "Retry-After"; if it persists, an administrator should check Redis and limits.redisUrl.',
  },
  UPSTREAM_TIMEOUT: {
    http: 504,
    jsonRpc: -32010,
    mcpToolError: true,
    retryable: true,
    message: 'The plugin did not answer in time. Try again later; if it persists, tell the plugin owner.',
  },
  UPSTREAM_ERROR: {
    http: 502,
    jsonRpc: -32011,
    mcpToolError: true,
    retryable: true,
    message: 'The plugin answered with a server error. Try again later; if it persists, tell the plugin owner.',
  },
  UPSTREAM_UNREACHABLE: {
    http: 502,
    jsonRpc: -32012,
    mcpToolError: true,
    retryable: true,
    message: 'The plugin could not be reached. Try again later; if it persists, tell the plugin owner.',
  },
  UPSTREAM_REDIRECT: {
    http: 502,
    jsonRpc: -32013,
    mcpToolError: true,
    retryable: false,
    message: 'The plugin redirected to another host, which Toolgate does not follow. Tell the plugin owner.',
  },
  EGRESS_BLOCKED: {
    http: 502,
    jsonRpc: -32014,
    mcpToolError: true,
    retryable: false,
    message:
      "The plugin's address is private, loopback, link-local or a metadata address, and the plugin is not allowlisted for it. An administrator must fix the plugin's server URL or allowlist it.",
  },
  OUTPUT_BLOCKED: {
    http: 502,
    jsonRpc: -32030,
    mcpToolError: true,
    retryable: false,
    message:
      'The tool\'s result contained credentials (the kinds are in "details"), and this tool\'s output filter blocks such results, so it was withheld. Tell the plugin owner to stop returning secrets, or ask an administrator to set guard.secrets to "redact" for this tool.',
  },
  BAD_REQUEST: {
    http: 400,
    jsonRpc: -32600,
    mcpToolError: false,
    retryable: false,
    message: 'The request is malformed. Fix the field named in "details".',
  },
  BODY_TOO_LARGE: {
    http: 413,
    jsonRpc: -32600,
    mcpToolError: false,
    retryable: false,
    message: 'The request body is larger than the configured limit. Send less data.',
  },
  NOT_FOUND: {
    http: 404,
    jsonRpc: -32601,
    mcpToolError: false,
    retryable: false,
    message: 'No such resource. Check the path and the id.',
  },
  CONFLICT: {
    http: 409,
    jsonRpc: -32600,
    mcpToolError: false,
    retryable: false,
    message: 'That resource already exists. Choose another name or remove the existing one first.',
  },
  SPEC_INVALID: {
    http: 422,
    jsonRpc: -32602,
    mcpToolError: false,
    retryable: false,
    message: 'The plugin specification could not be imported. Fix the problem named in "details".',
  },
  SPEC_FETCH_FAILED: {
    http: 502,
    jsonRpc: -32012,
    mcpToolError: false,
    retryable: true,
    message: 'The plugin specification could not be fetched. Check the URL, and that the gateway may reach it.',
  },
  CONFIG_INVALID: {
    http: 500,
    jsonRpc: -32603,
    mcpToolError: false,
    retryable: false,
    message: 'The configuration is invalid. Fix the field named in the message and start again.',
  },
  STORE_MIGRATION_FAILED: {
    http: 500,
    jsonRpc: -32603,
    mcpToolError: false,
    retryable: false,
    message:
      'The database schema could not be brought up to date. Restore the data directory from a backup, or point dataDir at an empty folder.',
  },
  ORIGIN_FORBIDDEN: {
    http: 403,
    jsonRpc: -32003,
    mcpToolError: false,
    retryable: false,
    message:
      'Requests from this Origin are refused (DNS-rebinding protection). Call from a non-browser client, or ask an administrator to add the origin to mcp.allowedOrigins.',
  },
  MCP_SESSION_NOT_FOUND: {
    http: 404,
    jsonRpc: -32001,
    mcpToolError: false,
    retryable: false,
    message: 'The MCP session is unknown or has expired. Start a new session with an initialize request.',
  },
  MCP_SESSION_FORBIDDEN: {
    http: 403,
    jsonRpc: -32003,
    mcpToolError: false,
    retryable: false,
    message: 'This MCP session belongs to another principal or endpoint. Start your own session with an initialize request.',
  },
  MODEL_NOT_FOUND: {
    http: 404,
    jsonRpc: -32602,
    mcpToolError: false,
    retryable: false,
    message:
      'No configured model provider serves this model. Use a model listed by GET /v1/models, or ask an administrator to add it under models.providers.',
  },
  MODEL_PROVIDER_ERROR: {
    http: 502,
    jsonRpc: -32015,
    mcpToolError: false,
    retryable: true,
    message:
      'The model provider failed or answered something that is not a chat completion. Try again; if it persists, an administrator should check the provider.',
  },
  MODEL_PROVIDER_TIMEOUT: {
    http: 504,
    jsonRpc: -32016,
    mcpToolError: false,
    retryable: true,
    message: 'The model provider did not answer in time. Try again, or ask an administrator to raise the provider timeout.',
  },
  CHAT_STEP_LIMIT: {
    http: 422,
    jsonRpc: -32017,
    mcpToolError: false,
    retryable: false,
    message:
      'The model kept calling tools and did not answer within the step limit. Ask a narrower question, or ask an administrator to raise models.maxSteps.',
  },
  INTERNAL: {
    http: 500,
    jsonRpc: -32603,
    mcpToolError: false,
    retryable: false,
    message: 'Toolgate hit an internal error and denied the call. Report the request id to an administrator.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];
