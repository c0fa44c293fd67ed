import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { cellText, printJson, printTable } from '../output.js';

interface AuditPage {
  events: Record<string, unknown>[];
  nextAfter?: number;
  nextBefore?: number | null;
}

const COLUMNS = ['seq', 'time', 'principalName', 'action', 'decision', 'errorCode', 'outcome', 'upstreamStatus', 'latencyMs'];

export function addAuditCommand(program: Command, cli: CliContext): void {
  const audit = program.command('audit').description('read the audit log');
  audit
    .command('tail')
    .description('show the latest audit events (oldest first); --follow keeps polling')
    .option('-n, --limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .option('-p, --principal <principal>', 'only this principal')
    .option('--action <action>', 'only this tool or admin action')
    .option('--decision <decision>', 'allow, deny or approval_required')
    .option('-f, --follow', 'keep printing new events')
    .action(async (opts: { limit: number; principal?: string; action?: string; decision?: string; follow?: boolean }) => {
      const client = cli.client();
      const filters = new URLSearchParams();
      if (opts.principal) filters.set('principal', opts.principal);
      if (opts.action) filters.set('action', opts.action);
      if (opts.decision) filters.set('decision', opts.decision);
      const latest = await client.request<AuditPage>('GET', `/v1/admin/audit?${filters.toString()}&limit=${opts.limit}`);
      const events = [...latest.events].reverse();
      if (cli.json()) printJson(events);
      else printTable(events, COLUMNS);
      if (!opts.follow) return;
      let after = Number(events[events.length - 1]?.['seq'] ?? 0);
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const page = await client.request<AuditPage>('GET', `/v1/admin/audit?${filters.toString()}&after=${after}&limit=500`);
        for (const e of page.events)
          process.stdout.write(`${cli.json() ? JSON.stringify(e) : COLUMNS.map((c) => cellText(e[c])).join('  ')}\n`);
        after = page.nextAfter ?? after;
      }
    });
}
