import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './support/run-cli.js';

const exampleSpec = fileURLToPath(new URL('../../../examples/orders/openapi.yaml', import.meta.url));

/**
 * The newcomer's path: `toolgate serve` with the example enabled prints a key and a curl that
 * works; then every CLI command drives the running gateway over the admin API.
 */
describe('quick start and CLI', () => {
  let dir: string;
  let server: ChildProcess;
  let banner = '';
  let url = '';
  let key = '';
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { TOOLGATE_URL: url, TOOLGATE_API_KEY: key, ...env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolgate-quickstart-'));
    const config = join(dir, 'toolgate.yaml');
    writeFileSync(config, 'server:\n  port: 0\ndataDir: ./data\nlogLevel: warn\nexamples:\n  orders: true\n');
    server = spawnCli(['serve', '--config', config]);
    server.stdout?.on('data', (d: Buffer) => (banner += d.toString()));
    const deadline = Date.now() + 30_000;
    // Wait for the whole curl, body line included: stdout may arrive in pieces on a busy machine.
    while (!/curl -s -X POST[\s\S]*-d '.+'/.test(banner) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    url = /Toolgate is running at (\S+)/.exec(banner)?.[1] ?? '';
    key = /export TOOLGATE_API_KEY=(\S+)/.exec(banner)?.[1] ?? '';
  }, 40_000);

  afterAll(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URLs, a first-run admin key and a curl that works', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(key).toMatch(/^tgk_/);
    expect(banner).toContain('shown ONCE');
    // Run the printed curl's request exactly as printed (URL, tool, body).
    const curl = /curl -s -X POST (\S+) \\/.exec(banner)?.[1] ?? '';
    const body = /-d '(.+)'/.exec(banner)?.[1] ?? '';
    const res = await fetch(curl, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { content: { id: string } };
    expect(json.content.id).toBe('ord_1001');
  });

  it('lists plugins and tools', async () => {
    const plugins = await cli(['plugin', 'list']);
    expect(plugins.code).toBe(0);
    expect(plugins.stdout).toMatch(/orders\s+openapi\s+active\s+-\s+6\s+0\s/);
    const tools = await cli(['tools', '--json']);
    const names = (JSON.parse(tools.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['orders__get_order', 'orders__list_orders', 'orders__delete_order']));
  });

  it('prints tool definitions for a model family, and the (empty) review queue', async () => {
    const rendered = await cli(['tools', '--format', 'anthropic']);
    expect(rendered.code).toBe(0);
    const body = JSON.parse(rendered.stdout) as { definitions: { name: string; input_schema: unknown }[]; problems: unknown[] };
    expect(body.definitions.map((d) => d.name)).toContain('orders__get_order');
    expect(body.problems).toEqual([]);
    const reviews = await cli(['review', 'list']);
    expect(reviews.code).toBe(0);
    expect(reviews.stdout).toContain('(none)');
  }, 60_000);

  it('creates a principal, a key and a grant, then calls a tool with the new key', async () => {
    expect((await cli(['principals', 'create', 'support-bot', '-r', 'support', '--service'])).code).toBe(0);
    const created = await cli(['keys', 'create', '-p', 'support-bot', '-n', 'bot', '--json']);
    expect(created.code).toBe(0);
    const botKey = (JSON.parse(created.stdout) as { key: string }).key;
    expect((await cli(['grants', 'add', '-s', 'role:support', '-t', 'tool:orders__get_order'])).code).toBe(0);
    const call = await cli(['call', 'orders__get_order', '--args', '{"orderId":"ord_1002"}'], { TOOLGATE_API_KEY: botKey });
    expect(call.code).toBe(0);
    expect(call.stdout).toContain('upstream 200');
    expect(call.stdout).toContain('"ord_1002"');
    const denied = await cli(['call', 'orders__list_orders'], { TOOLGATE_API_KEY: botKey });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('TOOL_NOT_FOUND');
    // Five CLI processes, each compiling TypeScript on start: slow on a busy two-core machine.
  }, 60_000);

  it('imports a plugin from a local file and removes it', async () => {
    const imported = await cli([
      'plugin',
      'import',
      exampleSpec,
      '--name',
      'shop',
      '--base-url',
      'http://127.0.0.1:9',
      '--allow-private-network',
    ]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported plugin "shop" with 6 tools');
    const removed = await cli(['plugin', 'remove', 'shop']);
    expect(removed.stdout).toContain('Removed plugin "shop"');
  });

  it('tails the audit log and revokes keys', async () => {
    const tail = await cli(['audit', 'tail', '-n', '50']);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(/orders__get_order\s+allow/);
    expect(tail.stdout).toMatch(/orders__list_orders\s+deny\s+TOOL_NOT_FOUND/);
    const keys = JSON.parse((await cli(['keys', 'list', '-p', 'support-bot', '--json'])).stdout) as { keys: { id: string }[] };
    const id = keys.keys[0]?.id ?? '';
    expect((await cli(['keys', 'revoke', id])).stdout).toContain(`Revoked key ${id}`);
  });

  it('explains what to do when the key or the gateway is missing', async () => {
    const noKey = await runCli(['tools'], { TOOLGATE_URL: url });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('No API key');
    const noGateway = await runCli(['tools'], { TOOLGATE_URL: 'http://127.0.0.1:9', TOOLGATE_API_KEY: key });
    expect(noGateway.code).toBe(1);
    expect(noGateway.stderr).toContain('Cannot reach the gateway');
    const badArgs = await cli(['call', 'orders__get_order', '--args', '{oops']);
    expect(badArgs.stderr).toContain('--args is not valid JSON');
  });

  it('refuses to start on a bad config, naming the field', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server:\n  port: 70000\n');
    const res = await runCli(['serve', '--config', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('CONFIG_INVALID');
    expect(res.stderr).toContain('"server.port"');
  });
});
