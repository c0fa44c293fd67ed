import { GatewayError } from '../core/gateway-error.js';
import type { CatalogEntry } from '../ports/tool-catalog.js';
import { renderTools } from '../plugins/targets/render-tools.js';
import { resolveTargetName } from '../plugins/targets/tool-target.js';
import type { ClientTool } from './chat-request.js';

/** The tool list sent to the model: the caller's gateway tools, then the client's own. */
export interface OfferedTools {
  readonly definitions: unknown[];
  /** Model-visible name → our tool name, for gateway tools only. */
  readonly gatewayNames: Record<string, string>;
  readonly clientNames: ReadonlySet<string>;
  readonly gatewayCount: number;
}

/** Who runs a tool call the model made. A name nobody offered goes to the gateway, whose pipeline reports it not found. */
export type CallTarget = { readonly kind: 'gateway'; readonly toolName: string } | { readonly kind: 'client' };

/**
 * `entries` must come from `listTools`, the one authorization function for listing: this module only
 * renders what it was given. A client tool may not reuse a gateway tool's name, since the model's
 * call would then be ambiguous.
 */
export function offerTools(entries: readonly CatalogEntry[], clientTools: readonly ClientTool[]): OfferedTools {
  const rendered = renderTools(
    'openai',
    entries.map((e) => e.tool),
  );
  const clientNames = new Set<string>();
  clientTools.forEach((tool, i) => {
    const name = tool.function.name;
    const path = `body/tools/${i}/function/name`;
    if (resolveTargetName(rendered.nameMap, name) !== undefined) {
      throw new GatewayError('BAD_REQUEST', {
        message: `${path} "${name}" is the name of a gateway tool you can call. Rename your tool.`,
        details: { path, problem: 'collides with a gateway tool' },
      });
    }
    if (clientNames.has(name)) {
      throw new GatewayError('BAD_REQUEST', {
        message: `${path} "${name}" is listed twice. Send each tool once.`,
        details: { path, problem: 'is listed twice' },
      });
    }
    clientNames.add(name);
  });
  return {
    definitions: [...rendered.definitions, ...clientTools],
    gatewayNames: rendered.nameMap,
    clientNames,
    gatewayCount: rendered.definitions.length,
  };
}

export function callTarget(offered: OfferedTools, modelName: string): CallTarget {
  const ours = resolveTargetName(offered.gatewayNames, modelName);
  if (ours !== undefined) return { kind: 'gateway', toolName: ours };
  if (offered.clientNames.has(modelName)) return { kind: 'client' };
  return { kind: 'gateway', toolName: modelName };
}
