import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

export function addGrantCommands(program: Command, cli: CliContext): void {
  const grants = program.command('grants').description('who may list/invoke/approve/administer what (deny by default)');
  grants
    .command('add')
    .requiredOption('-s, --subject <subject>', 'role:<role> or principal:<id or name>')
    .requiredOption('-t, --target <target>', 'plugin:<name> or tool:<name>')
    .option('-e, --env <environment>', 'environment, or * for all', '*')
    .option('--deny', 'an explicit deny that overrides every allow')
    .option('--require-approval', 'calls under this grant need approval')
    .option('--expires-at <time>', 'ISO-8601 expiry')
    .option('-a, --action <action>', 'list, invoke, approve or administer (repeatable; default invoke, which implies list)', collect, [])
    .action(
      async (opts: {
        subject: string;
        target: string;
        env: string;
        deny?: boolean;
        requireApproval?: boolean;
        expiresAt?: string;
        action: string[];
      }) => {
        const res = await cli.client().request<{ grant: Record<string, unknown> }>('POST', '/v1/admin/grants', {
          subject: opts.subject,
          target: opts.target,
          environment: opts.env,
          effect: opts.deny ? 'deny' : 'allow',
          requireApproval: opts.requireApproval === true,
          ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
          ...(opts.action.length > 0 ? { actions: opts.action } : {}),
        });
        if (cli.json()) return printJson(res);
        printTable(
          [res.grant],
          ['id', 'subjectType', 'subject', 'effect', 'actions', 'targetType', 'target', 'environment', 'requireApproval'],
        );
      },
    );
  grants.command('list').action(async () => {
    const res = await cli.client().request<{ grants: Record<string, unknown>[] }>('GET', '/v1/admin/grants');
    if (cli.json()) return printJson(res);
    printTable(res.grants, [
      'id',
      'subjectType',
      'subject',
      'effect',
      'actions',
      'targetType',
      'target',
      'environment',
      'requireApproval',
      'expiresAt',
    ]);
  });
  grants.command('remove <id>').action(async (id: string) => {
    const res = await cli.client().request('DELETE', `/v1/admin/grants/${encodeURIComponent(id)}`);
    if (cli.json()) return printJson(res);
    process.stdout.write(`Removed grant ${id}.\n`);
  });
}
