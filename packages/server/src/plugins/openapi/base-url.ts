import { isRecord } from '../json-value.js';

/**
 * The base URL tool paths resolve against: the caller's override, else the first server with its variables
 * set to their defaults. A relative or scheme-less server URL (`/api`, `localhost:5003/`) gives undefined and
 * a warning: only the caller knows where the spec came from, so only it may decide.
 */
export function resolveBaseUrl(
  doc: Record<string, unknown>,
  override: string | undefined,
  warn: (message: string) => void,
): string | undefined {
  if (override !== undefined) return override.replace(/\/+$/, '');
  const servers = doc['servers'];
  const first: unknown = Array.isArray(servers) ? servers[0] : undefined;
  if (!isRecord(first) || typeof first['url'] !== 'string') {
    warn('The spec has no servers; give the plugin a base URL.');
    return undefined;
  }
  const variables = isRecord(first['variables']) ? first['variables'] : {};
  const url = first['url'].replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    const value = isRecord(variable) ? variable['default'] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
  if (/\{[^}]*\}/.test(url)) {
    warn(`The server URL "${first['url']}" has a variable without a default; give the plugin a base URL.`);
    return undefined;
  }
  if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) {
    warn(`The server URL "${url}" is not an absolute http(s) URL; give the plugin a base URL.`);
    return undefined;
  }
  return url.replace(/\/+$/, '');
}
