import type { Command } from 'commander';
import type { ApprovalListResponse, ApprovalView } from '@toolgate/contract';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../gateway-client.js';
import { printJson, printTable } from '../output.js';

function summary(a: ApprovalView): string {
  const lines = [
    `${a.id}  ${a.status}  ${a.tool} (${a.plugin})`,
    `requested by ${a.requester.name} at ${a.createdAt}; expires ${a.expiresAt}`,
    `why: ${a.reason}`,
    `approvals: ${a.approvals}/${a.requiredApprovals}`,
    `arguments (${a.argsDigest}): ${JSON.stringify(a.arguments)}`,
  ];
  if (a.editedArguments !== undefined) lines.push(`edited (${a.editedArgsDigest ?? ''}): ${JSON.stringify(a.editedArguments)}`);
  for (const d of a.decisions) lines.push(`  ${d.at} ${d.approver.name} ${d.decision}${d.note !== null ? `: ${d.note}` : ''}`);
  if (a.result !== undefined) lines.push(`result: upstream ${a.result.upstreamStatus}${a.result.isError ? ' (tool error)' : ''}`);
  if (a.error !== undefined) lines.push(`not run: ${a.error.code}: ${a.error.message}`);
  return `${lines.join('\n')}\n`;
}

/** `toolgate approvals list|show|approve|deny`: the approval workflow over /v1/approvals, as the key's principal. */
export function addApprovalCommands(program: Command, cli: CliContext): void {
  const approvals = program.command('approvals').description('calls waiting for approval: list, show, approve, deny');
  const path = (id: string): string => `/v1/approvals/${encodeURIComponent(id)}`;

  approvals
    .command('list')
    .description('your requests, and the ones you may decide (newest first)')
    .option('--status <status>', 'pending, approved, executed, failed, denied or expired')
    .action(async (opts: { status?: string }) => {
      const query = opts.status !== undefined ? `?status=${encodeURIComponent(opts.status)}` : '';
      const res = await cli.client().request<ApprovalListResponse>('GET', `/v1/approvals${query}`);
      if (cli.json()) return printJson(res);
      printTable(
        res.approvals.map((a) => ({ ...a, requester: a.requester.name, approvals: `${a.approvals}/${a.requiredApprovals}` })),
        ['id', 'status', 'tool', 'requester', 'approvals', 'expiresAt'],
      );
    });

  approvals
    .command('show <id>')
    .description('the exact call, the decisions, and the result once it ran')
    .action(async (id: string) => {
      const res = await cli.client().request<ApprovalView>('GET', path(id));
      if (cli.json()) return printJson(res);
      process.stdout.write(summary(res));
    });

  approvals
    .command('approve <id>')
    .description('approve (the final approval runs the call once, as its requester)')
    .option('--note <text>', 'why')
    .option('--args <json>', 'replace the arguments (validated against the tool schema; both digests are recorded)')
    .action(async (id: string, opts: { note?: string; args?: string }) => {
      let args: unknown;
      if (opts.args !== undefined) {
        try {
          args = JSON.parse(opts.args);
        } catch {
          throw new CliError(`--args is not valid JSON: ${opts.args}. Pass an object such as '{"orderId": "ord_1001"}'.`);
        }
      }
      const res = await cli.client().request<ApprovalView>('POST', `${path(id)}/approve`, {
        ...(opts.note !== undefined ? { note: opts.note } : {}),
        ...(args !== undefined ? { arguments: args } : {}),
      });
      if (cli.json()) return printJson(res);
      process.stdout.write(summary(res));
    });

  approvals
    .command('deny <id>')
    .description('deny: the call never runs')
    .option('--note <text>', 'why')
    .action(async (id: string, opts: { note?: string }) => {
      const res = await cli.client().request<ApprovalView>('POST', `${path(id)}/deny`, opts.note !== undefined ? { note: opts.note } : {});
      if (cli.json()) return printJson(res);
      process.stdout.write(summary(res));
    });
}
