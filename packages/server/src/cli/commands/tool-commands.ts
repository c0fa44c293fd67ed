import type { Command } from 'commander';
import type { ApprovalPendingResponse, InvokeResponse, ToolListResponse } from '@toolgate/contract';
import { CliError } from '../gateway-client.js';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';

/** `toolgate tools` and `toolgate call`: what the key's principal sees and may run. */
export function addToolCommands(program: Command, cli: CliContext): void {
  program
    .command('tools')
    .description('list the tools your key may invoke; --format prints them as a model family expects them')
    .option('--format <target>', 'openai | openai-strict | anthropic | gemini | mcp: print definitions (JSON) for that target')
    .option('--max-name-length <n>', 'shorter names, for clients that prefix tool names (8-128)')
    .option('--all', 'every active tool (admin), not only those your key may invoke')
    .action(async (opts: { format?: string; maxNameLength?: string; all?: boolean }) => {
      if (opts.format !== undefined || opts.all === true) {
        const query = new URLSearchParams({
          format: opts.format ?? 'mcp',
          ...(opts.maxNameLength !== undefined ? { maxNameLength: opts.maxNameLength } : {}),
        });
        const rendered = await cli
          .client()
          .request<{ definitions: unknown[]; nameMap: Record<string, string>; problems: { tool: string; problem: string }[] }>(
            'GET',
            `${opts.all === true ? '/v1/admin/tools' : '/v1/tools'}?${query.toString()}`,
          );
        printJson(rendered);
        for (const p of rendered.problems) process.stderr.write(`not rendered: ${p.tool}: ${p.problem}\n`);
        return;
      }
      const res = await cli.client().request<ToolListResponse>('GET', '/v1/tools');
      if (cli.json()) return printJson(res);
      printTable(
        res.tools.map((t) => ({ ...t, description: t.description.split('\n')[0] })),
        ['name', 'riskTier', 'plugin', 'description'],
      );
    });

  program
    .command('call <tool>')
    .description('invoke a tool through the full pipeline')
    .option('-a, --args <json>', 'arguments as a JSON object', '{}')
    .action(async (tool: string, opts: { args: string }) => {
      let args: unknown;
      try {
        args = JSON.parse(opts.args);
      } catch {
        throw new CliError(`--args is not valid JSON: ${opts.args}. Pass an object such as '{"orderId": "ord_1001"}'.`);
      }
      const res = await cli
        .client()
        .request<InvokeResponse | ApprovalPendingResponse>('POST', `/v1/tools/${encodeURIComponent(tool)}/invoke`, { arguments: args });
      if (cli.json()) return printJson(res);
      if ('approvalId' in res) {
        process.stdout.write(`${res.tool} waits for approval: ${res.approvalId} (${res.status}, expires ${res.expiresAt})\n`);
        process.stdout.write(`Follow it with: toolgate approvals show ${res.approvalId}\n`);
        return;
      }
      process.stdout.write(
        `${res.tool} → upstream ${res.upstreamStatus}${res.isError ? ' (tool error)' : ''}${res.truncated ? ' (truncated)' : ''}  call ${res.callId}\n`,
      );
      process.stdout.write(`${typeof res.content === 'string' ? res.content : JSON.stringify(res.content, null, 2)}\n`);
    });
}
