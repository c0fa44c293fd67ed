import type { Command } from 'commander';
import { CliError } from '../gateway-client.js';
import { bridgeStdioToGateway } from '../mcp-stdio-bridge.js';

/** `toolgate mcp --stdio`: for desktop MCP clients that can only start a command and talk over stdio. */
export function addMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description("serve a running gateway's MCP endpoint over stdio, for desktop clients (key from $TOOLGATE_API_KEY)")
    .option('--stdio', 'relay MCP messages between stdin/stdout and the gateway (the only mode)')
    .option('--plugin <name>', "serve only this plugin's tools, under their own names (/mcp/<name>)")
    .action(async (opts: { stdio?: boolean; plugin?: string }) => {
      const { url, key } = program.opts<{ url: string; key?: string }>();
      if (opts.stdio !== true)
        throw new CliError('Say how to serve: "toolgate mcp --stdio". Streamable HTTP clients use <gateway>/mcp directly.');
      if (!key) throw new CliError('No API key. Set TOOLGATE_API_KEY in the MCP client\'s "env" for this server (or pass --key).');
      await bridgeStdioToGateway({ url, key, ...(opts.plugin !== undefined ? { plugin: opts.plugin } : {}) });
    });
}
