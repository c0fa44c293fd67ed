const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * DNS-rebinding protection (MCP Streamable HTTP): a request with an `Origin` comes from a browser page, and
 * only listed origins may use the endpoint. No `Origin` means a non-browser client, which is allowed.
 * Origins are compared case-insensitively (scheme and host are); "null" matches nothing unless listed.
 * One more origin is safe without listing: the gateway's own, when it is addressed by a loopback name
 * (`http://127.0.0.1:8787` calling `127.0.0.1:8787`). A rebinding attack cannot produce that pair: the
 * attacker's page has the attacker's host name in both `Origin` and `Host`.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[], host?: string): boolean {
  if (origin === undefined) return true;
  const wanted = origin.toLowerCase();
  if (allowed.some((entry) => entry.toLowerCase() === wanted)) return true;
  return host !== undefined && isOwnLoopbackOrigin(wanted, host.toLowerCase());
}

function isOwnLoopbackOrigin(origin: string, host: string): boolean {
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return hostname !== undefined && LOOPBACK_HOSTS.has(hostname) && (origin === `http://${host}` || origin === `https://${host}`);
}

/** CORS headers for an allowed browser origin, so browser-based MCP clients can read the answers they get. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-expose-headers': 'mcp-session-id, mcp-protocol-version, www-authenticate, x-request-id',
  };
}

/** The answer to a CORS preflight from an allowed origin (preflights carry no credentials). */
export const PREFLIGHT_HEADERS: Record<string, string> = {
  'access-control-allow-methods': 'GET, POST, DELETE',
  'access-control-allow-headers': 'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id',
  'access-control-max-age': '600',
};
