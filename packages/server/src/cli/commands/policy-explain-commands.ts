import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../gateway-client.js';
import { printJson, printTable } from '../output.js';

interface Rule {
  kind: 'grant' | 'policy';
  id: string;
  subject?: string;
  target?: string;
  effect: string;
  actions?: string[];
  environment?: string;
  name?: string;
  message?: string;
  condition?: string;
}

interface ExplainAnswer {
  decision: string;
  deciding: Rule[];
  reason: string;
  policyVersion: number;
  policyMessage?: string;
  whatWouldChange: string[];
  shadow?: { decision: string };
}

/** `toolgate policy explain | who-can | what-can | shadow-diffs`, added to the `policy` command group. */
export function addPolicyExplainCommands(policy: Command, cli: CliContext): void {
  policy
    .command('explain')
    .description('how the gateway would decide a call, which rules decide it, and what would change it')
    .requiredOption('--principal <principal>', 'principal name or id')
    .requiredOption('--tool <tool>', 'tool name')
    .option('--args <json>', 'call arguments as a JSON object', '{}')
    .option('--action <action>', 'list, invoke, approve or administer', 'invoke')
    .option('--env <environment>', 'environment (default: the gateway’s)')
    .option('--source-ip <ip>', 'caller address policies may test')
    .action(async (opts: { principal: string; tool: string; args: string; action: string; env?: string; sourceIp?: string }) => {
      const body = {
        principal: opts.principal,
        tool: opts.tool,
        action: opts.action,
        arguments: parseArgs(opts.args),
        ...(opts.env !== undefined ? { environment: opts.env } : {}),
        ...(opts.sourceIp !== undefined ? { sourceIp: opts.sourceIp } : {}),
      };
      const res = await cli.client().request<ExplainAnswer>('POST', '/v1/admin/policy/explain', body);
      if (cli.json()) return printJson(res);
      const lines = [`Decision: ${res.decision} (policy version ${res.policyVersion})`];
      if (res.policyMessage !== undefined) lines.push(`Caller sees: ${res.policyMessage}`);
      lines.push('Decided by:');
      if (res.deciding.length === 0) lines.push('  no grant (deny by default)');
      for (const r of res.deciding) lines.push(`  ${describeRule(r)}`);
      if (res.shadow) lines.push(`With shadow policies active: ${res.shadow.decision}`);
      lines.push('What would change it:');
      for (const w of res.whatWouldChange) lines.push(`  - ${w}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  policy
    .command('who-can <tool>')
    .description('principals the grants let use a tool (role grants expanded)')
    .option('--action <action>', 'list, invoke, approve or administer', 'invoke')
    .action(async (tool: string, opts: { action: string }) => {
      const q = `tool=${encodeURIComponent(tool)}&action=${encodeURIComponent(opts.action)}`;
      const res = await cli.client().request<{
        principals: { principal: { name: string }; decision: string; grants: Rule[] }[];
        note?: string;
      }>('GET', `/v1/admin/policy/who-can?${q}`);
      if (cli.json()) return printJson(res);
      printTable(
        res.principals.map((p) => ({ principal: p.principal.name, decision: p.decision, grants: p.grants.map(describeRule).join('; ') })),
        ['principal', 'decision', 'grants'],
      );
      if (res.note !== undefined) process.stdout.write(`\nNote: ${res.note}.\n`);
    });

  policy
    .command('what-can <principal>')
    .description('tools the grants let a principal use')
    .option('--action <action>', 'list, invoke, approve or administer', 'invoke')
    .action(async (principal: string, opts: { action: string }) => {
      const q = `principal=${encodeURIComponent(principal)}&action=${encodeURIComponent(opts.action)}`;
      const res = await cli.client().request<{
        tools: { tool: string; decision: string; grants: Rule[]; conditions: string[] }[];
      }>('GET', `/v1/admin/policy/what-can?${q}`);
      if (cli.json()) return printJson(res);
      printTable(
        res.tools.map((t) => ({
          tool: t.tool,
          decision: t.decision,
          grants: t.grants.map((g) => g.id).join(', '),
          conditions: t.conditions.join(', '),
        })),
        ['tool', 'decision', 'grants', 'conditions'],
      );
    });

  policy
    .command('shadow-diffs')
    .description('calls the shadow policies would have decided differently')
    .option('--since <time>', 'ISO 8601 time')
    .option('--limit <n>', 'at most this many, newest first', '100')
    .action(async (opts: { since?: string; limit: string }) => {
      const q = `limit=${encodeURIComponent(opts.limit)}${opts.since !== undefined ? `&since=${encodeURIComponent(opts.since)}` : ''}`;
      const res = await cli.client().request<{ diffs: Record<string, unknown>[] }>('GET', `/v1/admin/policy/shadow-diffs?${q}`);
      if (cli.json()) return printJson(res);
      printTable(res.diffs, ['time', 'tool', 'principalName', 'live', 'shadow', 'shadowPolicyIds', 'error']);
    });
}

function describeRule(r: Rule): string {
  if (r.kind === 'grant') {
    return `grant ${r.id}: ${r.effect} ${(r.actions ?? []).join(',')} ${r.subject ?? ''} → ${r.target ?? ''} (env ${r.environment ?? '*'})`;
  }
  return `policy ${r.name ?? r.id} (${r.id}): ${r.effect} ${r.condition ?? ''}${r.message !== undefined ? ` — "${r.message}"` : ''}`;
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`--args is not valid JSON: ${text}. Pass an object such as '{"orderId": "ord_1001"}'.`);
  }
}
