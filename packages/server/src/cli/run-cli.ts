import { Command, CommanderError } from 'commander';
import { GatewayError } from '../core/gateway-error.js';
import { cliContext } from './cli-context.js';
import { addApprovalCommands } from './commands/approval-commands.js';
import { addAuditCommand } from './commands/audit-command.js';
import { addChatCommand } from './commands/chat-command.js';
import { addGrantCommands } from './commands/grant-commands.js';
import { addMcpCommand } from './commands/mcp-command.js';
import { addPluginCommand } from './commands/plugin-command.js';
import { addPolicyCommands } from './commands/policy-commands.js';
import { addPolicyExplainCommands } from './commands/policy-explain-commands.js';
import { addPrincipalCommands } from './commands/principal-commands.js';
import { addReviewCommands } from './commands/review-commands.js';
import { addServeCommand } from './commands/serve-command.js';
import { addToolCommands } from './commands/tool-commands.js';
import { CliError } from './gateway-client.js';

export function buildProgram(): Command {
  const program = new Command('toolgate')
    .description('Toolgate: a governed gateway between AI assistants and their tools')
    .option('--url <url>', 'gateway URL', process.env['TOOLGATE_URL'] ?? 'http://127.0.0.1:8787')
    .option('--key <key>', 'API key (default: $TOOLGATE_API_KEY)', process.env['TOOLGATE_API_KEY'])
    .option('--json', 'print JSON instead of tables')
    .showHelpAfterError()
    .exitOverride();
  const cli = cliContext(program);
  addServeCommand(program);
  addPluginCommand(program, cli);
  addToolCommands(program, cli);
  addReviewCommands(program, cli);
  addPrincipalCommands(program, cli);
  addGrantCommands(program, cli);
  addPolicyExplainCommands(addPolicyCommands(program, cli), cli);
  addApprovalCommands(program, cli);
  addAuditCommand(program, cli);
  addMcpCommand(program);
  addChatCommand(program, cli);
  return program;
}

/** Runs the CLI; errors print one clear line (with the error code) and set a non-zero exit code. */
export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const message = err instanceof CliError ? err.message : err instanceof GatewayError ? `${err.code}: ${err.message}` : String(err);
    process.stderr.write(`toolgate: ${message}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}
