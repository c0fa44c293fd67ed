import type { ToolReviewState, ToolSnapshot } from './tool-review.js';

/** JSON Schema as stored and sent to models; kept opaque here on purpose. */
export type JsonSchema = Record<string, unknown>;

/** Ordered from least to most risky; see `riskTierAtLeast`. */
export const RISK_TIERS = ['read', 'write', 'consequential', 'destructive'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export function riskTierAtLeast(tier: RiskTier, floor: RiskTier): RiskTier {
  return RISK_TIERS.indexOf(tier) >= RISK_TIERS.indexOf(floor) ? tier : floor;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'TRACE';
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

/** How one argument of the merged input schema maps to a part of the HTTP request. */
export interface HttpParameterBinding {
  /** Name of the property in the tool's input schema. */
  readonly arg: string;
  /** Name on the wire (path placeholder, query key, header name, cookie name). */
  readonly name: string;
  readonly in: ParameterLocation;
  readonly style?: string;
  readonly explode?: boolean;
  readonly required: boolean;
}

export interface HttpBodyBinding {
  readonly arg: string;
  readonly contentType: string;
  readonly required: boolean;
}

/** How a tool is executed: an HTTP operation relative to its plugin's base URL. */
export interface HttpBinding {
  readonly kind: 'http';
  readonly method: HttpMethod;
  readonly path: string;
  readonly parameters: readonly HttpParameterBinding[];
  readonly body?: HttpBodyBinding;
}

/** How a tool is executed on an MCP server plugin: `tools/call` with the upstream's own tool name. */
export interface McpBinding {
  readonly kind: 'mcp';
  /** The tool's name on the upstream server (our model-visible name is prefixed and may be shortened). */
  readonly toolName: string;
}

export type ToolBinding = HttpBinding | McpBinding;

/**
 * Only `active` tools can be listed or called. `pending_review`: new or changed since an admin last
 * approved it (or flagged by the description lint). `rejected`: an admin refused the definition.
 * `removed`: gone from the upstream at the last sync (kept so grants and audit still resolve).
 */
export type ToolStatus = 'active' | 'pending_review' | 'rejected' | 'removed';

/** One operation of a plugin as the model sees it. */
export interface Tool {
  readonly id: string;
  readonly pluginId: string;
  readonly pluginName: string;
  /** Model-safe, gateway-unique name (`^[a-zA-Z0-9_-]{1,64}$`). */
  readonly name: string;
  /** The name in the source format (operationId or derived from method and path). */
  readonly sourceName: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  readonly annotations?: Record<string, unknown>;
  readonly riskTier: RiskTier;
  readonly binding: ToolBinding;
  /** SHA-256 (hex) of the RFC 8785 canonical definition; what audit records pin. */
  readonly definitionHash: string;
  readonly status: ToolStatus;
  /** The hash an admin approved (pinned); a tool whose `definitionHash` differs is not callable. */
  readonly approvedHash?: string;
  readonly approvedDefinition?: ToolSnapshot;
  /** Present while the tool waits in `pending_review`. */
  readonly review?: ToolReviewState;
  readonly reviewedBy?: string;
  readonly reviewedAt?: string;
}
