import { GatewayError } from '../core/gateway-error.js';
import type { ExecutionRequest, ToolExecutor, UpstreamResult } from '../ports/tool-executor.js';
import { buildHttpRequest } from './build-http-request.js';
import { safeFetch } from './safe-fetch.js';

/** An upstream answer plus whether its body was cut at `maxResponseBytes`. */
export interface ConnectorResult extends UpstreamResult {
  /** The upstream sent more than `maxResponseBytes`; `body` is the text read so far, never parsed. */
  readonly truncated: boolean;
}

/**
 * Executes HTTP-bound tools: builds the request from the binding and arguments only (no caller
 * header is ever forwarded), sends it through the SSRF-safe fetcher with cross-origin redirects
 * refused, and decodes the capped answer. An upstream 5xx is an error; a 4xx is a result the
 * model can read and correct its call from.
 */
export class HttpConnector implements ToolExecutor {
  async execute(req: ExecutionRequest): Promise<ConnectorResult> {
    const { plugin, tool } = req;
    if (tool.binding.kind !== 'http') throw new GatewayError('INTERNAL', { reason: `${tool.name} is not an HTTP tool` });
    const built = buildHttpRequest(plugin.baseUrl, tool.binding, req.args);
    const res = await safeFetch(built.url, {
      method: built.method,
      headers: built.headers,
      body: built.body,
      timeoutMs: req.timeoutMs,
      maxBytes: req.maxResponseBytes,
      allowPrivateNetwork: plugin.allowPrivateNetwork,
      redirects: 'refuse-cross-origin',
    });
    if (res.status >= 500) {
      throw new GatewayError('UPSTREAM_ERROR', {
        details: { status: res.status },
        reason: `${plugin.name}/${tool.sourceName} answered HTTP ${res.status}`,
      });
    }
    return {
      status: res.status,
      contentType: res.contentType,
      body: decodeBody(res.body, res.contentType, res.truncated),
      bytes: res.receivedBytes,
      truncated: res.truncated,
    };
  }
}

function decodeBody(body: Buffer, contentType: string, truncated: boolean): unknown {
  const text = body.toString('utf8');
  // A truncated JSON document cannot parse; it is handed on as the text that was read.
  if (truncated || text.length === 0 || !isJson(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isJson(contentType: string): boolean {
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}
