import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** `toolgate principals` and `toolgate keys`. */
export function addPrincipalCommands(program: Command, cli: CliContext): void {
  const principals = program.command('principals').description('manage users and service accounts');
  principals
    .command('create <name>')
    .option('-r, --role <role>', 'role (repeatable)', collect, [])
    .option('--service', 'a service account rather than a user')
    .action(async (name: string, opts: { role: string[]; service?: boolean }) => {
      const res = await cli.client().request<{ principal: Record<string, unknown> }>('POST', '/v1/admin/principals', {
        name,
        kind: opts.service ? 'service' : 'user',
        roles: opts.role,
      });
      if (cli.json()) return printJson(res);
      printTable([res.principal], ['id', 'name', 'kind', 'roles']);
    });
  principals.command('list').action(async () => {
    const res = await cli.client().request<{ principals: Record<string, unknown>[] }>('GET', '/v1/admin/principals');
    if (cli.json()) return printJson(res);
    printTable(res.principals, ['id', 'name', 'kind', 'roles', 'disabled']);
  });
  principals
    .command('update <principal>')
    .description('replace roles, or disable/enable')
    .option('-r, --role <role>', 'role (repeatable; replaces all roles)', collect, [])
    .option('--disable', 'disable the principal: its keys stop working at once')
    .option('--enable', 'enable the principal again')
    .action(async (who: string, opts: { role: string[]; disable?: boolean; enable?: boolean }) => {
      const body = {
        ...(opts.role.length > 0 ? { roles: opts.role } : {}),
        ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
      };
      const res = await cli
        .client()
        .request<{ principal: Record<string, unknown> }>('PATCH', `/v1/admin/principals/${encodeURIComponent(who)}`, body);
      if (cli.json()) return printJson(res);
      printTable([res.principal], ['id', 'name', 'kind', 'roles', 'disabled']);
    });
  principals.command('remove <principal>').action(async (who: string) => {
    const res = await cli.client().request('DELETE', `/v1/admin/principals/${encodeURIComponent(who)}`);
    if (cli.json()) return printJson(res);
    process.stdout.write(`Removed principal ${who}.\n`);
  });

  const keys = program.command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .requiredOption('-p, --principal <principal>', 'principal id or name')
    .option('-n, --name <name>', 'a label for the key')
    .option('--expires-in-days <days>', 'expiry', (v) => Number.parseInt(v, 10))
    .action(async (opts: { principal: string; name?: string; expiresInDays?: number }) => {
      const res = await cli.client().request<{ key: string; id: string; expiresAt: string | null }>('POST', '/v1/admin/keys', {
        principal: opts.principal,
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.expiresInDays !== undefined ? { expiresInDays: opts.expiresInDays } : {}),
      });
      if (cli.json()) return printJson(res);
      process.stdout.write(
        `Key ${res.id} for ${opts.principal}${res.expiresAt ? `, expires ${res.expiresAt}` : ''}. Shown once; store it now:\n\n  ${res.key}\n\n`,
      );
    });
  keys
    .command('list')
    .option('-p, --principal <principal>', "only this principal's keys")
    .action(async (opts: { principal?: string }) => {
      const q = opts.principal !== undefined ? `?principal=${encodeURIComponent(opts.principal)}` : '';
      const res = await cli.client().request<{ keys: Record<string, unknown>[] }>('GET', `/v1/admin/keys${q}`);
      if (cli.json()) return printJson(res);
      printTable(res.keys, ['id', 'name', 'principalId', 'status', 'createdAt', 'expiresAt']);
    });
  keys.command('revoke <id>').action(async (id: string) => {
    const res = await cli.client().request('POST', `/v1/admin/keys/${encodeURIComponent(id)}/revoke`);
    if (cli.json()) return printJson(res);
    process.stdout.write(`Revoked key ${id}; it is refused from the next call on.\n`);
  });
}
