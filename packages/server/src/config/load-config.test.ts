import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { loadConfig } from './load-config.js';

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-config-'));
  const file = join(dir, 'toolgate.yaml');
  writeFileSync(file, yaml);
  return file;
}

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('loadConfig', () => {
  it('fills defaults without a file', () => {
    const { config } = loadConfig(undefined, {});
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8787, bodyLimitBytes: 1_048_576 });
    expect(config.approval.requiredTiers).toEqual(['consequential', 'destructive']);
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
  });

  it('resolves relative paths against the config file', () => {
    const file = configFile('dataDir: ./state\nplugins:\n  - name: crm\n    source: specs/crm.yaml\n');
    const { config } = loadConfig(file, {});
    expect(config.dataDir).toBe(join(file, '..', 'state'));
    expect(config.plugins[0]?.source).toBe(join(file, '..', 'specs/crm.yaml'));
  });

  it('applies TOOLGATE_* overrides, nested with __ and camel-cased', () => {
    const file = configFile('server:\n  port: 9000\n');
    const { config } = loadConfig(file, {
      TOOLGATE_SERVER__PORT: '9100',
      TOOLGATE_LIMITS__MAX_OUTPUT_CHARS: '5000',
      TOOLGATE_ENVIRONMENT: 'staging',
    });
    expect(config.server.port).toBe(9100);
    expect(config.limits.maxOutputChars).toBe(5000);
    expect(config.environment).toBe('staging');
  });

  it('names the bad field and the fix → CONFIG_INVALID', () => {
    const err = errorOf(() => loadConfig(configFile('server:\n  port: 99999\n'), {}));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('"server.port"');
    expect(err.message).toContain('<= 65535');
    expect(err.message).toContain('Fix:');
  });

  it('names an unknown (misspelt) field', () => {
    const err = errorOf(() => loadConfig(configFile('server:\n  prot: 80\n'), {}));
    expect(err.message).toContain('unknown field "server.prot"');
  });

  it('names the environment variable a bad value came from', () => {
    const err = errorOf(() => loadConfig(undefined, { TOOLGATE_LOG_LEVEL: 'loud' }));
    expect(err.message).toContain('"logLevel" (from environment variable TOOLGATE_LOG_LEVEL)');
    expect(err.message).toContain('debug');
  });

  it('reports YAML syntax errors and missing files', () => {
    expect(errorOf(() => loadConfig(configFile('server: [1,\n'), {})).message).toContain('not valid YAML');
    expect(errorOf(() => loadConfig('/nonexistent/toolgate.yaml', {})).message).toContain('does not exist');
  });
});
