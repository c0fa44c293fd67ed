import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../gateway-client.js';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

function readSpecFile(path: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new CliError(`Cannot read ${resolve(path)}. Pass an existing file or an http(s) URL.`);
  }
}

export function addPluginCommand(program: Command, cli: CliContext): void {
  const plugin = program.command('plugin').description('import, list, show and remove plugins');

  plugin
    .command('import <source>')
    .description('import a plugin: an OpenAPI 3.0/3.1 or Swagger 2.0 document (file or URL), or a ChatGPT plugin (https://host)')
    .requiredOption('-n, --name <name>', 'plugin name (prefix of its tool names)')
    .option('--base-url <url>', 'upstream base URL, overriding the spec servers')
    .option('--allow-private-network', 'let this plugin reach loopback/private addresses (deliberate internal upstreams only)')
    .option('--timeout-ms <ms>', 'upstream timeout', (v) => Number.parseInt(v, 10))
    .option('--lenient', 'accept ChatGPT manifests with the mistakes ChatGPT tolerated, as warnings')
    .action(
      async (
        source: string,
        opts: { name: string; baseUrl?: string; allowPrivateNetwork?: boolean; timeoutMs?: number; lenient?: boolean },
      ) => {
        const isUrl = /^https?:\/\//.test(source);
        const spec = isUrl ? undefined : readSpecFile(source);
        const body = {
          name: opts.name,
          source: isUrl ? source : resolve(source),
          ...(spec !== undefined ? { spec } : {}),
          ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
          ...(opts.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
          ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
          ...(opts.lenient ? { lenient: true } : {}),
        };
        const res = await cli
          .client()
          .request<{ tools: Record<string, unknown>[]; warnings: unknown[]; failures: unknown[] }>('POST', '/v1/admin/plugins', body);
        if (cli.json()) return printJson(res);
        process.stdout.write(`Imported plugin "${opts.name}" with ${res.tools.length} tools:\n`);
        printTable(res.tools, ['name', 'riskTier', 'status', 'description']);
        for (const w of res.warnings) process.stdout.write(`warning: ${JSON.stringify(w)}\n`);
        for (const f of res.failures) process.stdout.write(`skipped: ${JSON.stringify(f)}\n`);
      },
    );

  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  plugin
    .command('mcp <name>')
    .description('add an MCP server as a plugin: a command the gateway runs (stdio) or a Streamable HTTP / SSE URL')
    .option('--command <cmd>', 'run this program and speak MCP over its stdin/stdout')
    .option('--arg <arg>', 'an argument for --command (repeat for more)', collect, [])
    .option('--env <KEY=VALUE>', "the child's environment (repeat); it never gets the gateway's own", collect, [])
    .option('--cwd <dir>', 'working directory of the child')
    .option('--url <url>', 'connect to an MCP server over Streamable HTTP')
    .option('--sse', 'the --url server speaks the legacy HTTP+SSE transport')
    .option('--allow-private-network', 'let this plugin reach loopback/private addresses (deliberate internal servers only)')
    .option('--timeout-ms <ms>', 'tool call timeout', (v) => Number.parseInt(v, 10))
    .action(
      async (
        name: string,
        opts: {
          command?: string;
          arg: string[];
          env: string[];
          cwd?: string;
          url?: string;
          sse?: boolean;
          allowPrivateNetwork?: boolean;
          timeoutMs?: number;
        },
      ) => {
        if ((opts.command === undefined) === (opts.url === undefined))
          throw new CliError('Give either --command (stdio) or --url (HTTP), not both.');
        const env: Record<string, string> = {};
        for (const pair of opts.env) {
          const at = pair.indexOf('=');
          if (at <= 0) throw new CliError(`--env ${pair} is not KEY=VALUE.`);
          env[pair.slice(0, at)] = pair.slice(at + 1);
        }
        const mcp =
          opts.command !== undefined
            ? { transport: 'stdio', command: opts.command, args: opts.arg, env, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) }
            : { transport: opts.sse ? 'sse' : 'streamable-http', url: opts.url };
        const res = await cli
          .client()
          .request<{ tools: Record<string, unknown>[]; warnings: unknown[]; failures: unknown[] }>('POST', '/v1/admin/plugins', {
            name,
            mcp,
            ...(opts.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
            ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
          });
        if (cli.json()) return printJson(res);
        process.stdout.write(`Added MCP plugin "${name}" with ${res.tools.length} tools:\n`);
        printTable(res.tools, ['name', 'riskTier', 'status', 'description']);
        for (const w of res.warnings) process.stdout.write(`warning: ${JSON.stringify(w)}\n`);
        for (const f of res.failures) process.stdout.write(`skipped: ${JSON.stringify(f)}\n`);
      },
    );

  plugin
    .command('list')
    .description('list plugins')
    .action(async () => {
      const res = await cli.client().request<{ plugins: Record<string, unknown>[] }>('GET', '/v1/admin/plugins');
      if (cli.json()) return printJson(res);
      printTable(
        res.plugins.map((p) => ({ ...p, upstream: (p['upstream'] as { status?: string } | undefined)?.status })),
        ['name', 'kind', 'status', 'upstream', 'toolCount', 'pendingReview', 'baseUrl', 'allowPrivateNetwork'],
      );
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
    .command('sync <name>')
    .description(
      "re-read a plugin's source (spec URL, --spec file, or MCP server) and pin the result: new and changed tools wait for review",
    )
    .option('--spec <file>', 'the spec file, for plugins imported from a local file')
    .option('--lenient', 'accept ChatGPT manifests with the mistakes ChatGPT tolerated, as warnings')
    .action(async (name: string, opts: { spec?: string; lenient?: boolean }) => {
      const spec = opts.spec === undefined ? undefined : readSpecFile(opts.spec);
      const res = await cli
        .client()
        .request<{ tools: Record<string, unknown>[]; warnings: unknown[]; failures: unknown[] }>(
          'POST',
          `/v1/admin/plugins/${encodeURIComponent(name)}/sync`,
          { ...(spec !== undefined ? { spec } : {}), ...(opts.lenient ? { lenient: true } : {}) },
        );
      if (cli.json()) return printJson(res);
      printTable(
        res.tools.filter((t) => t['change'] !== 'unchanged'),
        ['name', 'change', 'status', 'definitionHash'],
      );
      const waiting = res.tools.filter((t) => t['status'] === 'pending_review').length;
      process.stdout.write(`${res.tools.length} tools; ${waiting} waiting for review (toolgate review list).\n`);
      for (const w of res.warnings) process.stdout.write(`warning: ${JSON.stringify(w)}\n`);
      for (const f of res.failures) process.stdout.write(`skipped: ${JSON.stringify(f)}\n`);
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
