import { GatewayError } from '../../core/gateway-error.js';

export const WELL_KNOWN_MANIFEST_PATH = '/.well-known/ai-plugin.json';

/**
 * The manifest URL for what an admin typed: a URL naming a `.json` file (usually `…/ai-plugin.json`) is
 * taken as is; anything else is a plugin's site, and ChatGPT plugins publish their manifest at the site
 * root's `/.well-known/ai-plugin.json`, so `https://host` and `https://host/` both become that.
 */
export function discoverManifestUrl(input: string): string {
  const trimmed = input.trim();
  const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    const message = `Cannot find a plugin manifest from "${trimmed}": give an http(s) URL of the plugin's site or of its ai-plugin.json.`;
    throw new GatewayError('SPEC_FETCH_FAILED', { message, details: { problem: message } });
  }
  if (url.pathname.toLowerCase().endsWith('.json')) return url.href;
  return new URL(WELL_KNOWN_MANIFEST_PATH, url.origin).href;
}
