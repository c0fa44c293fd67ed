import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/core/gateway-error.js';
import { startTestGateway } from './support/test-gateway.js';

describe('start-up', () => {
  it('a taken port stops start-up with CONFIG_INVALID naming server.port and the fix', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const err = await startTestGateway({ TOOLGATE_SERVER__PORT: String(port) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).code).toBe('CONFIG_INVALID');
      expect((err as GatewayError).message).toContain('"server.port"');
      expect((err as GatewayError).message).toContain('already in use');
    } finally {
      squatter.close();
    }
  });

  it('a second start on the same data directory keeps its principals and prints no new key', async () => {
    const first = await startTestGateway();
    const dataDir = first.dataDir;
    await first.gw.close();
    const { loadConfig } = await import('../src/config/load-config.js');
    const { startGateway } = await import('../src/main.js');
    const { pino } = await import('pino');
    const { config } = loadConfig(undefined, { TOOLGATE_SERVER__PORT: '0', TOOLGATE_DATA_DIR: dataDir, TOOLGATE_LOG_LEVEL: 'silent' });
    const again = await startGateway(config, { logger: pino({ level: 'silent' }) });
    try {
      expect(again.firstRunAdminKey).toBeUndefined();
      const res = await fetch(`${again.url}/v1/admin/principals`, { headers: { authorization: `Bearer ${first.adminKey}` } });
      expect(res.status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
