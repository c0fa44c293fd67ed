import { Type, type Static } from '@sinclair/typebox';

/** Body of `POST /v1/tools/{name}/invoke`. */
export const InvokeRequest = Type.Object(
  { arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'the tool arguments, matching its inputSchema' })) },
  { additionalProperties: false },
);
export type InvokeRequest = Static<typeof InvokeRequest>;

/** Answer of a successful invoke (the upstream ran; `isError` when it answered 4xx). */
export interface InvokeResponse {
  readonly callId: string;
  readonly tool: string;
  readonly definitionHash: string;
  readonly isError: boolean;
  readonly upstreamStatus: number;
  readonly contentType: string;
  readonly content: unknown;
  readonly truncated: boolean;
  /** Set when the output filter redacted secrets or personal data: kinds and counts, never the values. */
  readonly redactions?: readonly { readonly kind: string; readonly count: number }[];
  /** Set for cacheable tools: served from the cache (`hit`, `stale`), shared with an identical call in flight (`shared`), or fetched (`miss`). */
  readonly cache?: { readonly status: 'hit' | 'shared' | 'miss' | 'stale'; readonly ageMs: number };
  /** Set when the plugin failed and a configured fallback answered; `cause` is the error code it answered for. */
  readonly fallback?:
    { readonly kind: 'stale'; readonly cause: string; readonly ageSeconds: number } | { readonly kind: 'message'; readonly cause: string };
}

/** A tool as listed to callers. */
export interface ToolView {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly plugin: string;
  readonly riskTier: string;
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
  readonly definitionHash: string;
}

export interface ToolListResponse {
  readonly tools: readonly ToolView[];
}
