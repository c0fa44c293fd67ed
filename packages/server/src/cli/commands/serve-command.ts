import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';

/** `toolgate serve`: the only command that runs the gateway itself. */
export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the gateway (reads --config, then TOOLGATE_* environment overrides)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { config?: string }) => {
      const { config, file } = loadConfig(opts.config);
      // Loaded here, not at the top: every other command is a thin client and should not pay for the server.
      const { startGateway } = await import('../../main.js');
      const gw = await startGateway(config);
      const out = (s = ''): void => void process.stdout.write(`${s}\n`);
      out();
      out(`Toolgate is running at ${gw.url}  (config: ${file ?? 'defaults'}, data: ${config.dataDir}, environment: ${config.environment})`);
      out(`  REST tools     ${gw.url}/v1/tools`);
      out(`  MCP            ${gw.url}/mcp  (or ${gw.url}/mcp/<plugin>; stdio: toolgate mcp --stdio)`);
      out(`  Chat (OpenAI)  ${gw.url}/v1/chat/completions`);
      out(`  Admin API      ${gw.url}/v1/admin/...`);
      out(`  Health         ${gw.url}/healthz`);
      out(`  Console        ${gw.url}/`);
      if (gw.exampleOrdersUrl) out(`  Example plugin "orders" upstream at ${gw.exampleOrdersUrl}`);
      if (gw.firstRunAdminKey) {
        out();
        out('First run: created principal "admin" (role admin). Its API key is shown ONCE; only a hash is stored:');
        out();
        out(`  export TOOLGATE_API_KEY=${gw.firstRunAdminKey}`);
      } else {
        out();
        out('Use an existing key (export TOOLGATE_API_KEY=...), or create one with "toolgate keys create --principal <name>".');
      }
      if (gw.exampleOrdersUrl) {
        out();
        out('Call a tool:');
        out();
        out(`  curl -s -X POST ${gw.url}/v1/tools/orders__get_order/invoke \\`);
        out(`    -H "Authorization: Bearer $TOOLGATE_API_KEY" -H 'content-type: application/json' \\`);
        out(`    -d '{"arguments": {"orderId": "ord_1001"}}'`);
      }
      out();
      const stop = async (): Promise<void> => {
        await gw.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
