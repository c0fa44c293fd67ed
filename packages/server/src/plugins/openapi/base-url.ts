import { isRecord, listOf } from '../json-value.js';

/** `host[:port][/path]` or `//host…`: a server URL written without its scheme. Bare words (`api/v1`) are paths. */
const SCHEMELESS = /^(?:\/\/)?((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*|\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-f:.]+\])(:\d{1,5})?(?=[/?#]|$)/i;
const LOOPBACK = /^(?:\/\/)?(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(?=[:/?#]|$)/i;

/** A server variable's value: its default, else (with a warning) its first enum value. */
function variableValue(name: string, variable: unknown, warn: (message: string) => void): string | undefined {
  if (!isRecord(variable)) return undefined;
  const options = listOf(variable['enum'])
    ?.filter((v) => typeof v === 'string' || typeof v === 'number')
    .map(String);
  const raw = variable['default'];
  const value = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
  if (options !== undefined && options.length > 0 && (value === undefined || !options.includes(value))) {
    warn(`The server variable "${name}" has default ${JSON.stringify(raw)}, which is not one of its enum values; using "${options[0]}".`);
    return options[0];
  }
  return value;
}

/**
 * The base URL tool paths resolve against: the caller's override, else the first server with its variables
 * set to their defaults. A scheme-less server URL (`localhost:5003/`, seen in OpenAI's own quickstart) gets
 * `http://` for loopback hosts and `https://` otherwise, with a warning. A relative one (`/api`) gives
 * undefined and a warning: only the caller knows where the spec came from, so only it may decide.
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
  let url = first['url'].trim().replace(/\{([^}]+)\}/g, (whole, name: string) => variableValue(name, variables[name], warn) ?? whole);
  if (/\{[^}]*\}/.test(url)) {
    warn(`The server URL "${first['url']}" has a variable without a default; give the plugin a base URL.`);
    return undefined;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && SCHEMELESS.test(url)) url = schemeFor(url, warn);
  if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) {
    warn(`The server URL "${url}" is not an absolute http(s) URL; give the plugin a base URL.`);
    return undefined;
  }
  return url.replace(/\/+$/, '');
}

function schemeFor(url: string, warn: (message: string) => void): string {
  const scheme = LOOPBACK.test(url) ? 'http' : 'https';
  const fixed = `${scheme}://${url.replace(/^\/\//, '')}`;
  warn(`The server URL "${url}" has no scheme; using "${fixed}" (http only for loopback hosts).`);
  return fixed;
}
