/**
 * What a stdio MCP server inherits from the gateway: enough to find executables, a home directory,
 * a locale and a temp dir. Modelled on the MCP SDK's `getDefaultEnvironment` (itself modelled on
 * sudo's), plus locale and temp-dir variables. Nothing else: the gateway's own environment holds its
 * secrets (database URLs, vault keys, provider API keys), and a plugin is third-party code.
 */
export const INHERITED_ENV_VARS = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
] as const;

/**
 * The complete environment for a stdio MCP server: the basics above taken from `parent`, then the
 * plugin's explicit `connection.env`, which wins. Values that look like exported shell functions
 * (`() { ...`) are skipped, as the SDK does, since they are a known injection vector (Shellshock).
 */
export function stdioEnvironment(
  explicit: Readonly<Record<string, string>>,
  parent: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV_VARS) {
    const value = parent[key];
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...explicit };
}
