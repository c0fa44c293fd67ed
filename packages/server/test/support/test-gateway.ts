import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.js';

export interface TestGateway {
  readonly gw: RunningGateway;
  readonly url: string;
  readonly adminKey: string;
  readonly dataDir: string;
  /** Calls the gateway's HTTP API and returns status, headers and parsed JSON body. */
  api(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // Tests inspect arbitrary JSON; `any` is confined to this test helper.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** A real gateway on loopback with a fresh SQLite data directory; env overrides shape the config. */
export async function startTestGateway(env: Record<string, string> = {}, opts: { clock?: Clock } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'toolgate-test-'));
  const { config } = loadConfig(undefined, {
    TOOLGATE_SERVER__PORT: '0',
    TOOLGATE_DATA_DIR: dataDir,
    TOOLGATE_LOG_LEVEL: 'silent',
    ...env,
  });
  const gw = await startGateway(config, { logger: pino({ level: 'silent' }), ...(opts.clock ? { clock: opts.clock } : {}) });
  const adminKey = gw.firstRunAdminKey;
  if (!adminKey) throw new Error('expected a first-run admin key');
  const api: TestGateway['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? adminKey : o.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${gw.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    gw,
    url: gw.url,
    adminKey,
    dataDir,
    api,
    close: async () => {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a principal with the given roles and returns its id and a fresh key. */
export async function createCaller(
  t: TestGateway,
  name: string,
  roles: string[] = [],
  keyOpts: Record<string, unknown> = {},
): Promise<{ id: string; key: string; keyId: string }> {
  const p = await t.api('POST', '/v1/admin/principals', { body: { name, roles } });
  if (p.status !== 201) throw new Error(`create principal: ${JSON.stringify(p.body)}`);
  const k = await t.api('POST', '/v1/admin/keys', { body: { principal: name, ...keyOpts } });
  if (k.status !== 201) throw new Error(`create key: ${JSON.stringify(k.body)}`);
  return { id: p.body.principal.id, key: k.body.key, keyId: k.body.id };
}

/** The audit events of one action, newest first. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function auditFor(t: TestGateway, action: string): Promise<any[]> {
  const res = await t.api('GET', `/v1/admin/audit?action=${encodeURIComponent(action)}&limit=50`);
  if (res.status !== 200) throw new Error(`audit: ${JSON.stringify(res.body)}`);
  return res.body.events;
}
