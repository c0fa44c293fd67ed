import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** `--attr name=value`: the value is read as JSON when it parses (`3`, `true`, `["a1","a2"]`), else as a string. */
function parseAttr(v: string, acc: Record<string, unknown>): Record<string, unknown> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new Error(`--attr takes name=value, got "${v}"`);
  const raw = v.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a bare word is a string
  }
  return { ...acc, [v.slice(0, eq)]: value };
}

/** `toolgate principals` and `toolgate keys`. */
export function addPrincipalCommands(program: Command, cli: CliContext): void {
  const principals = program.command('principals').description('manage users and service accounts');
  principals
    .command('create <name>')
    .option('-r, --role <role>', 'role (repeatable)', collect, [])
    .option('--service', 'a service account rather than a user')
    .option('--attr <name=value>', 'policy attribute, value as JSON or a bare string (repeatable)', parseAttr, {})
    .action(async (name: string, opts: { role: string[]; service?: boolean; attr: Record<string, unknown> }) => {
      const res = await cli.client().request<{ principal: Record<string, unknown> }>('POST', '/v1/admin/principals', {
        name,
        kind: opts.service ? 'service' : 'user',
        roles: opts.role,
        ...(Object.keys(opts.attr).length > 0 ? { attributes: opts.attr } : {}),
      });
      if (cli.json()) return printJson(res);
      printTable([res.principal], ['id', 'name', 'kind', 'roles']);
    });
  principals.command('list').action(async () => {
    const res = await cli.client().request<{ principals: Record<string, unknown>[] }>('GET', '/v1/admin/principals');
    if (cli.json()) return printJson(res);
    printTable(res.principals, ['id', 'name', 'kind', 'roles', 'disabled', 'attributes']);
  });
  principals
    .command('update <principal>')
    .description('replace roles, set or unset policy attributes, or disable/enable')
    .option('-r, --role <role>', 'role (repeatable; replaces all roles)', collect, [])
    .option('--attr <name=value>', 'set a policy attribute, value as JSON or a bare string (repeatable)', parseAttr, {})
    .option('--unset-attr <name>', 'remove a policy attribute (repeatable)', collect, [])
    .option('--disable', 'disable the principal: its keys stop working at once')
    .option('--enable', 'enable the principal again')
    .action(
      async (
        who: string,
        opts: { role: string[]; attr: Record<string, unknown>; unsetAttr: string[]; disable?: boolean; enable?: boolean },
      ) => {
        const changesAttrs = Object.keys(opts.attr).length > 0 || opts.unsetAttr.length > 0;
        // The API replaces all attributes; merge here so one --attr does not drop the others.
        let attributes: Record<string, unknown> | undefined;
        if (changesAttrs) {
          const current = await cli
            .client()
            .request<{ principal: { attributes?: Record<string, unknown> } }>('GET', `/v1/admin/principals/${encodeURIComponent(who)}`);
          attributes = { ...(current.principal.attributes ?? {}), ...opts.attr };
          for (const name of opts.unsetAttr) delete attributes[name];
        }
        const body = {
          ...(opts.role.length > 0 ? { roles: opts.role } : {}),
          ...(attributes !== undefined ? { attributes } : {}),
          ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
        };
        const res = await cli
          .client()
          .request<{ principal: Record<string, unknown> }>('PATCH', `/v1/admin/principals/${encodeURIComponent(who)}`, body);
        if (cli.json()) return printJson(res);
        printTable([res.principal], ['id', 'name', 'kind', 'roles', 'disabled', 'attributes']);
      },
    );
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
