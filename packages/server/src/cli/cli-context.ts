import type { Command } from 'commander';
import { CliError, GatewayClient } from './gateway-client.js';

/** Global options every command shares: where the gateway is, which key to use, and the output form. */
export interface CliContext {
  client(opts?: { requireKey?: boolean }): GatewayClient;
  json(): boolean;
}

export function cliContext(program: Command): CliContext {
  const globals = (): { url: string; key?: string; json?: boolean } => program.opts();
  return {
    client: ({ requireKey = true } = {}) => {
      const { url, key } = globals();
      if (requireKey && !key) {
        throw new CliError('No API key. Set TOOLGATE_API_KEY (printed by "toolgate serve" on first run) or pass --key.');
      }
      return new GatewayClient({ url, key });
    },
    json: () => globals().json === true,
  };
}
