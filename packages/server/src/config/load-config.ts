import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { GatewayError } from '../core/gateway-error.js';
import { ConfigSchema, type ToolgateConfig } from './config-schema.js';

const ENV_PREFIX = 'TOOLGATE_';

export interface LoadedConfig {
  readonly config: ToolgateConfig;
  /** Absolute path of the file read, if any. */
  readonly file: string | undefined;
}

/**
 * Reads the YAML file (if given), applies `TOOLGATE_*` environment overrides, fills defaults and
 * validates. A bad config throws CONFIG_INVALID naming the field and the fix. Relative paths in the
 * file are resolved against the file's folder.
 */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let raw: Record<string, unknown> = {};
  let base = process.cwd();
  let absFile: string | undefined;
  if (file !== undefined) {
    absFile = resolve(file);
    if (!existsSync(absFile))
      invalid(`config file ${absFile} does not exist. Fix: pass an existing file with --config, or leave it out to use defaults.`);
    base = dirname(absFile);
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(absFile, 'utf8'));
    } catch (err) {
      invalid(
        `config file ${absFile} is not valid YAML: ${err instanceof Error ? err.message : String(err)}. Fix the syntax at that line.`,
      );
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) invalid(`config file ${absFile} must hold a YAML mapping at the top level.`);
      raw = parsed as Record<string, unknown>;
    }
  }
  const fromEnv = applyEnvOverrides(raw, env);
  const ajv = new Ajv({ useDefaults: true, allErrors: false, strict: false });
  const validate = ajv.compile<ToolgateConfig>(ConfigSchema);
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    invalid(first ? explain(first, fromEnv) : 'config is invalid.');
  }
  const config = raw;
  // Paths are relative to the config file that names them, not to wherever the process started.
  if (!isAbsolute(config.dataDir)) config.dataDir = resolve(base, config.dataDir);
  for (const p of config.plugins) if (!/^https?:\/\//.test(p.source) && !isAbsolute(p.source)) p.source = resolve(base, p.source);
  return { config, file: absFile };
}

/** `TOOLGATE_SERVER__PORT=9000` sets server.port; `__` nests, SNAKE_CASE becomes camelCase; values parse as JSON when they can. */
function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).split('__').map(camel);
    if (path.some((p) => p === '')) continue;
    let node: Record<string, unknown> = raw;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = parseValue(value);
    sources.set(path.join('.'), name);
  }
  return sources;
}

function camel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function explain(error: ErrorObject, fromEnv: Map<string, string>): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const extra = [field, String(params['additionalProperty'])].filter((s) => s !== '').join('.');
    return `unknown field "${extra}"${envNote(extra, fromEnv)}. Fix: remove it or correct its spelling (see docs/configuration.md).`;
  }
  if (error.keyword === 'required') {
    const missing = [field, String(params['missingProperty'])].filter((s) => s !== '').join('.');
    return `field "${missing}" is required. Fix: add it (see docs/configuration.md).`;
  }
  const where = field === '' ? 'the top level' : `field "${field}"`;
  return `${where}${envNote(field, fromEnv)} ${error.message ?? 'is invalid'}${allowed(params)}. Fix: set a valid value (see docs/configuration.md).`;
}

function envNote(field: string, fromEnv: Map<string, string>): string {
  const name = fromEnv.get(field);
  return name ? ` (from environment variable ${name})` : '';
}

function allowed(params: Record<string, unknown>): string {
  const values = params['allowedValues'];
  return Array.isArray(values) ? ` (${values.join(', ')})` : '';
}

function invalid(message: string): never {
  throw new GatewayError('CONFIG_INVALID', { message: `Invalid configuration: ${message}` });
}
