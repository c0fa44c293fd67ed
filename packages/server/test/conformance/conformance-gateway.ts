/**
 * A gateway set up the way an operator would for the conformance run: a fresh data directory, the
 * conformance fixture imported as the MCP plugin `conformance`, and one service principal with a key and
 * a grant for that plugin and nothing else. The suite reaches `/mcp/conformance` through
 * `AuthHeaderProxy`, which adds the key.
 *
 * The configuration is the default but for silent logs. In particular `mcp.allowedOrigins` stays empty (the
 * DNS-rebinding scenario must pass on the gateway's own rules), and approval settings stay as they are: the
 * fixture's tools import as `write` (their read-only hints are not trusted to lower that), a tier that needs
 * no approval by default, so no admin review or policy change is made for the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { startGateway } from '../../src/main.js';
import { startAuthHeaderProxy } from './auth-header-proxy.js';
import { CONFORMANCE_TOOLS } from './conformance-tools.js';

export const PLUGIN = 'conformance';
const PRINCIPAL = 'conformance-client';

export interface ConformanceGateway {
  /** Where the suite connects: the proxy's `/mcp/conformance`. */
  readonly endpoint: string;
  /** The gateway's own base URL (requests there need a key). */
  readonly gatewayUrl: string;
  close(): Promise<void>;
}

/** Starts everything; on any failure, what was started is stopped again before the error is thrown. */
export async function startConformanceGateway(fixtureUrl: string): Promise<ConformanceGateway> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const proxy = await startAuthHeaderProxy();
    cleanups.push(() => proxy.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'toolgate-conformance-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { config } = loadConfig(undefined, {
      TOOLGATE_SERVER__PORT: '0',
      TOOLGATE_DATA_DIR: dataDir,
      TOOLGATE_LOG_LEVEL: 'silent',
    });
    const gw = await startGateway(config, { logger: pino({ level: 'silent' }) });
    cleanups.push(() => gw.close());
    const adminKey = gw.firstRunAdminKey;
    if (adminKey === undefined) throw new Error('a fresh gateway should have printed a first-run admin key');
    const admin = adminApi(gw.url, adminKey);

    const imported = await admin('POST', '/v1/admin/plugins', {
      name: PLUGIN,
      mcp: { transport: 'streamable-http', url: fixtureUrl },
      allowPrivateNetwork: true,
    });
    const tools = (imported['tools'] ?? []) as { name: string; status: string }[];
    const failures = (imported['failures'] ?? []) as unknown[];
    if (failures.length > 0 || tools.length !== CONFORMANCE_TOOLS.length || tools.some((t) => t.status !== 'active')) {
      throw new Error(`the fixture did not import cleanly: ${JSON.stringify({ tools, failures, warnings: imported['warnings'] })}`);
    }
    await admin('POST', '/v1/admin/principals', { name: PRINCIPAL, kind: 'service' });
    const key = (await admin('POST', '/v1/admin/keys', { principal: PRINCIPAL, name: 'conformance suite' }))['key'];
    if (typeof key !== 'string') throw new Error('the gateway created no key');
    await admin('POST', '/v1/admin/grants', { subject: `principal:${PRINCIPAL}`, target: `plugin:${PLUGIN}` });
    proxy.forwardTo(gw.url, key);
    return { endpoint: `${proxy.origin}/mcp/${PLUGIN}`, gatewayUrl: gw.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

type AdminCall = (method: string, path: string, body: unknown) => Promise<Record<string, unknown>>;

/** Calls the admin API; anything but 2xx is an error naming the call and the answer. */
function adminApi(baseUrl: string, key: string): AdminCall {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
}
