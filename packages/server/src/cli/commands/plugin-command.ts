import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../gateway-client.js';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

export function addPluginCommand(program: Command, cli: CliContext): void {
  const plugin = program.command('plugin').description('import, list, show and remove plugins');

  plugin
    .command('import <source>')
    .description('import an OpenAPI 3.0/3.1 document (file path or http(s) URL) as a plugin')
    .requiredOption('-n, --name <name>', 'plugin name (prefix of its tool names)')
    .option('--base-url <url>', 'upstream base URL, overriding the spec servers')
    .option('--allow-private-network', 'let this plugin reach loopback/private addresses (deliberate internal upstreams only)')
    .option('--timeout-ms <ms>', 'upstream timeout', (v) => Number.parseInt(v, 10))
    .action(async (source: string, opts: { name: string; baseUrl?: string; allowPrivateNetwork?: boolean; timeoutMs?: number }) => {
      const isUrl = /^https?:\/\//.test(source);
      let spec: string | undefined;
      if (!isUrl) {
        try {
          spec = readFileSync(resolve(source), 'utf8');
        } catch {
          throw new CliError(`Cannot read ${resolve(source)}. Pass an existing file or an http(s) URL.`);
        }
      }
      const body = {
        name: opts.name,
        source: isUrl ? source : resolve(source),
        ...(spec !== undefined ? { spec } : {}),
        ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
        ...(opts.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      };
      const res = await cli
        .client()
        .request<{ tools: Record<string, unknown>[]; warnings: unknown[]; failures: unknown[] }>('POST', '/v1/admin/plugins', body);
      if (cli.json()) return printJson(res);
      process.stdout.write(`Imported plugin "${opts.name}" with ${res.tools.length} tools:\n`);
      printTable(res.tools, ['name', 'riskTier', 'description']);
      for (const w of res.warnings) process.stdout.write(`warning: ${JSON.stringify(w)}\n`);
      for (const f of res.failures) process.stdout.write(`skipped: ${JSON.stringify(f)}\n`);
    });

  plugin
    .command('list')
    .description('list plugins')
    .action(async () => {
      const res = await cli.client().request<{ plugins: Record<string, unknown>[] }>('GET', '/v1/admin/plugins');
      if (cli.json()) return printJson(res);
      printTable(res.plugins, ['name', 'kind', 'status', 'toolCount', 'baseUrl', 'allowPrivateNetwork']);
    });

  plugin
    .command('show <name>')
    .description('show a plugin and its tools')
    .action(async (name: string) => {
      const res = await cli
        .client()
        .request<{ plugin: Record<string, unknown>; tools: Record<string, unknown>[] }>(
          'GET',
          `/v1/admin/plugins/${encodeURIComponent(name)}`,
        );
      if (cli.json()) return printJson(res);
      printJson(res.plugin);
      printTable(res.tools, ['name', 'riskTier', 'status', 'definitionHash']);
    });

  plugin
    .command('remove <name>')
    .description('remove a plugin, its tools and the grants that named them')
    .action(async (name: string) => {
      const res = await cli.client().request<{ tools: number; grants: number }>('DELETE', `/v1/admin/plugins/${encodeURIComponent(name)}`);
      if (cli.json()) return printJson(res);
      process.stdout.write(`Removed plugin "${name}" (${res.tools} tools, ${res.grants} grants).\n`);
    });
}
