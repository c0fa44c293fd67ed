import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { printJson, printTable } from '../output.js';
import { sideBySide } from '../side-by-side.js';

interface ReviewedTool extends Record<string, unknown> {
  name: string;
  plugin: string;
  status: string;
  riskTier: string;
  definitionHash: string;
  reviewDigest: string;
  approvedHash: string | null;
  approvedDefinition: Record<string, unknown> | null;
  review: { reasons: { kind: string; message: string; findings?: unknown[] }[]; requestedAt: string } | null;
}

const RISK_TIERS = ['read', 'write', 'consequential', 'destructive'];

/** The model-visible part of a definition, as reviewers compare it. */
function definitionText(tool: Record<string, unknown>): string {
  const { name, title, description, inputSchema, outputSchema, annotations, riskTier, binding } = tool;
  return JSON.stringify({ name, title, description, inputSchema, outputSchema, annotations, riskTier, binding }, null, 2);
}

export function addReviewCommands(program: Command, cli: CliContext): void {
  const review = program.command('review').description('tools waiting for review after an import or sync: list, show, approve, reject');
  const getTool = async (name: string): Promise<ReviewedTool> =>
    (await cli.client().request<{ tool: ReviewedTool }>('GET', `/v1/admin/tools/${encodeURIComponent(name)}`)).tool;

  review
    .command('list')
    .description('list the tools waiting for review')
    .action(async () => {
      const res = await cli.client().request<{ reviews: ReviewedTool[] }>('GET', '/v1/admin/reviews');
      if (cli.json()) return printJson(res);
      printTable(
        res.reviews.map((t) => ({ ...t, reasons: (t.review?.reasons ?? []).map((r) => r.kind).join(',') })),
        ['name', 'plugin', 'riskTier', 'reasons', 'definitionHash'],
      );
    });

  review
    .command('show <tool>')
    .description('show the approved and the proposed definition side by side, and why the tool waits')
    .option('--width <n>', 'column width', (v) => Number.parseInt(v, 10), 60)
    .action(async (name: string, opts: { width: number }) => {
      const tool = await getTool(name);
      if (cli.json()) return printJson({ tool });
      process.stdout.write(`${tool.name} (${tool.plugin}) is ${tool.status}\n`);
      for (const r of tool.review?.reasons ?? []) {
        process.stdout.write(`  - ${r.kind}: ${r.message}\n`);
        for (const f of r.findings ?? []) process.stdout.write(`      ${JSON.stringify(f)}\n`);
      }
      process.stdout.write(`approved: ${tool.approvedHash ?? '(never approved)'}\nproposed: ${tool.definitionHash}\n\n`);
      const left = tool.approvedDefinition ? definitionText(tool.approvedDefinition) : '';
      process.stdout.write(sideBySide(left, definitionText(tool), { width: opts.width, leftTitle: 'APPROVED', rightTitle: 'PROPOSED' }));
      process.stdout.write(`\nApprove with: toolgate review approve ${tool.name} --digest ${tool.reviewDigest}\n`);
    });

  for (const decision of ['approve', 'reject'] as const) {
    review
      .command(`${decision} <tool>`)
      .description(
        `${decision} the tool's current definition${decision === 'approve' ? ' (pins its hash; the tool becomes callable)' : ''}`,
      )
      .requiredOption('--digest <sha256>', 'the review digest `review show` printed for what you reviewed')
      .option('--risk-tier <tier>', `set the risk tier on approval (${RISK_TIERS.join(', ')})`)
      .action(async (name: string, opts: { digest: string; riskTier?: string }) => {
        const res = await cli.client().request<{ tool: ReviewedTool }>('POST', `/v1/admin/tools/${encodeURIComponent(name)}/review`, {
          decision,
          reviewDigest: opts.digest,
          ...(opts.riskTier !== undefined ? { riskTier: opts.riskTier } : {}),
        });
        if (cli.json()) return printJson(res);
        process.stdout.write(
          `${res.tool.name} is now ${res.tool.status} (definition ${res.tool.definitionHash}, risk tier ${res.tool.riskTier}).\n`,
        );
      });
  }
}
