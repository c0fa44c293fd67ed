import { createHash } from 'node:crypto';

/** Longest tool name every target accepts (OpenAI, Anthropic and Gemini stop at 64). */
export const MAX_TOOL_NAME_LENGTH = 64;
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const HASH_CHARS = 6;

/** `listOrders` → `list_orders`, `getHTTPStatus` → `get_http_status`; only `[a-z0-9_]` survive. */
export function snakeCase(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A stand-in operationId from method and path: `GET /orders/{id}` → `get_orders_by_id`. */
export function operationIdFromRoute(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/\{([^}]*)\}/g, ' by $1 '));
  return snakeCase([method.toLowerCase(), ...words].join('_'));
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_CHARS);
}

/** Cuts a name to the limit, keeping it unique by appending `_` and a short hash of `hashInput`. */
function withHash(name: string, hashInput: string, maxLength: number): string {
  const head = name.slice(0, maxLength - HASH_CHARS - 1).replace(/_+$/, '');
  return `${head}_${shortHash(hashInput)}`;
}

/**
 * The model-visible name of one tool: `${pluginName}__${snake_case(sourceName)}`, cut to the limit with a
 * hash of the full name when too long. Deterministic for the same inputs.
 */
export function toolNameFor(pluginName: string, sourceName: string, maxLength = MAX_TOOL_NAME_LENGTH): string {
  const full = `${pluginName}__${snakeCase(sourceName) || 'operation'}`;
  return full.length <= maxLength ? full : withHash(full, full, maxLength);
}

/**
 * Hands out collision-free names within one plugin. The first operation to claim a name keeps it; a later
 * one gets the same name with a hash of its discriminator (e.g. `POST /orders`), so which operation gets
 * which name depends only on document order.
 */
export class ToolNameRegistry {
  private readonly taken = new Set<string>();

  constructor(
    private readonly pluginName: string,
    private readonly maxLength = MAX_TOOL_NAME_LENGTH,
  ) {
    if (!/^[a-zA-Z0-9_-]+$/.test(pluginName) || pluginName.length > maxLength - 8) {
      throw new RangeError(`plugin name "${pluginName}" cannot prefix tool names (letters, digits, _ and - only)`);
    }
  }

  /** Returns the name for `sourceName`, and whether it had to be changed to avoid a collision. */
  claim(sourceName: string, discriminator: string): { name: string; collided: boolean } {
    const base = toolNameFor(this.pluginName, sourceName, this.maxLength);
    let name = base;
    for (let attempt = 0; this.taken.has(name); attempt += 1) {
      name = withHash(base, `${base}\n${discriminator}${attempt === 0 ? '' : `\n${attempt}`}`, this.maxLength);
    }
    this.taken.add(name);
    return { name, collided: name !== base };
  }
}
