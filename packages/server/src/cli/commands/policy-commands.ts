import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

const POLICY_COLUMNS = ['id', 'name', 'status', 'targetType', 'target', 'createdBy', 'updatedAt'];

interface SaveOptions {
  tool?: string;
  plugin?: string;
  file: string;
  name?: string;
  description?: string;
  shadow?: boolean;
}

/**
 * `toolgate policy …`: conditional Cedar policies. Returns the `policy` command so other subcommands
 * (explain, who-can, what-can, shadow-diffs) are added to the same group, e.g. in run-cli.ts:
 * `addPolicyExplainCommands(addPolicyCommands(program, cli), cli)`.
 */
export function addPolicyCommands(program: Command, cli: CliContext): Command {
  const policy = program.command('policy').description('conditional Cedar policies on tools and plugins');

  policy.command('list').action(async () => {
    const res = await cli.client().request<{ policies: Record<string, unknown>[]; policyVersion: number }>('GET', '/v1/admin/policies');
    if (cli.json()) return printJson(res);
    printTable(res.policies, POLICY_COLUMNS);
    process.stdout.write(`\nPolicy version ${res.policyVersion}.\n`);
  });

  policy.command('show <policy>').action(async (id: string) => {
    const res = await cli
      .client()
      .request<{ policy: Record<string, unknown> & { cedar: string } }>('GET', `/v1/admin/policies/${encodeURIComponent(id)}`);
    if (cli.json()) return printJson(res);
    printTable([res.policy], POLICY_COLUMNS);
    process.stdout.write(`\n${res.policy.cedar}\n`);
  });

  policy
    .command('add')
    .description('validate and save a policy from a Cedar file (replaces one of the same --name)')
    .option('--tool <tool>', 'attach to one tool')
    .option('--plugin <plugin>', 'attach to every tool of a plugin')
    .requiredOption('-f, --file <file>', 'Cedar file with one or more permit/forbid statements')
    .option('-n, --name <name>', 'policy name (default: the file name without extension)')
    .option('-d, --description <text>', 'what the policy is for')
    .option('--shadow', 'evaluate beside the active policies without deciding calls')
    .action(async (opts: SaveOptions) => {
      const name = opts.name ?? (opts.file.split(/[\\/]/).pop() ?? opts.file).replace(/\.[^.]+$/, '');
      const body = {
        name,
        cedar: readFileSync(opts.file, 'utf8'),
        status: opts.shadow ? 'shadow' : 'active',
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(opts.tool !== undefined ? { tool: opts.tool } : {}),
        ...(opts.plugin !== undefined ? { plugin: opts.plugin } : {}),
      };
      const client = cli.client();
      const existing = await client
        .request<{ policies: { id: string; name: string }[] }>('GET', '/v1/admin/policies')
        .then((r) => r.policies.find((p) => p.name === name));
      const res = existing
        ? await client.request<SaveAnswer>('PUT', `/v1/admin/policies/${encodeURIComponent(existing.id)}`, body)
        : await client.request<SaveAnswer>('POST', '/v1/admin/policies', body);
      if (cli.json()) return printJson(res);
      printTable([res.policy], POLICY_COLUMNS);
      for (const w of res.warnings) process.stdout.write(`warning${w.tool ? ` (${w.tool})` : ''}: ${w.message}\n`);
      process.stdout.write(`\nPolicy version ${res.policyVersion}.\n`);
    });

  policy.command('remove <policy>').action(async (id: string) => {
    const res = await cli.client().request<{ policyVersion: number }>('DELETE', `/v1/admin/policies/${encodeURIComponent(id)}`);
    if (cli.json()) return printJson(res);
    process.stdout.write(`Removed policy ${id}; policy version ${res.policyVersion}.\n`);
  });

  policy
    .command('schema')
    .description('the generated Cedar schema of a tool: what its policies can test')
    .requiredOption('--tool <tool>', 'tool name')
    .action(async (opts: { tool: string }) => {
      const res = await cli
        .client()
        .request<{ text: string; omittedArgs: { path: string; reason: string }[] }>(
          'GET',
          `/v1/admin/policies/schema?tool=${encodeURIComponent(opts.tool)}`,
        );
      if (cli.json()) return printJson(res);
      process.stdout.write(res.text);
      for (const o of res.omittedArgs) process.stdout.write(`// not available to policies: args.${o.path} (${o.reason})\n`);
    });

  return policy;
}

interface SaveAnswer {
  policy: Record<string, unknown>;
  policyVersion: number;
  warnings: { message: string; tool?: string }[];
}
