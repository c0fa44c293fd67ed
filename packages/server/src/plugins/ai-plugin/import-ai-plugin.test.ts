import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { UPGRADED_WARNING } from '../swagger/upgrade-swagger.js';
import { discoverManifestUrl } from './discover-manifest-url.js';
import { importAiPlugin } from './import-ai-plugin.js';

const PETS_YAML = readFileSync(new URL('../openapi/fixtures/pets-3.0.yaml', import.meta.url), 'utf8');
const PETSTORE_SWAGGER = readFileSync(new URL('../swagger/fixtures/petstore-2.0.json', import.meta.url), 'utf8');

/** A spec like OpenAI's quickstart: no `servers`, so the plugin's own origin is the base URL. */
const TODO_SPEC = `openapi: 3.0.1
info:
  title: TODO Plugin
  description: A plugin that allows the user to create and manage a TODO list using ChatGPT.
  version: 'v1'
paths:
  /todos/{username}:
    get:
      operationId: getTodos
      summary: Get the list of todos
      parameters:
      - in: path
        name: username
        schema:
          type: string
        required: true
      responses:
        "200":
          description: OK
`;

const routes = new Map<string, { type: string; body: string }>();
let server: Server;
let origin: string;

/** The fetcher a caller would wire (minus the SSRF checks): plain fetch, failing on non-2xx answers. */
async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    res.writeHead(route ? 200 : 404, { 'content-type': route?.type ?? 'text/plain' });
    res.end(route?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const manifest = (name: string, url: string, auth: Record<string, unknown>): string =>
    JSON.stringify({
      schema_version: 'v1',
      name_for_human: name,
      name_for_model: name.toLowerCase(),
      description_for_human: `The ${name} plugin.`,
      description_for_model: `Use ${name} to manage the user's ${name.toLowerCase()}.`,
      auth,
      api: { type: 'openapi', url, is_user_authenticated: false },
      logo_url: `${origin}/logo.png`,
      contact_email: 'dev@example.com',
      legal_info_url: 'https://example.com/legal',
    });
  const json = 'application/json';
  routes.set('/.well-known/ai-plugin.json', { type: json, body: manifest('Todo', '/openapi.yaml', { type: 'none' }) });
  routes.set('/openapi.yaml', { type: 'text/yaml', body: TODO_SPEC });
  const oauth = {
    type: 'oauth',
    client_url: `${origin}/authorize`,
    scope: 'pets',
    authorization_url: `${origin}/token`,
    authorization_content_type: json,
  };
  routes.set('/pets/ai-plugin.json', { type: json, body: manifest('Pets', 'spec.yaml', oauth) });
  routes.set('/pets/spec.yaml', { type: 'text/yaml', body: PETS_YAML });
  routes.set('/store/ai-plugin.json', {
    type: json,
    body: manifest('Store', `${origin}/store/swagger.json`, { type: 'user_http', authorization_type: 'bearer' }),
  });
  routes.set('/store/swagger.json', { type: json, body: PETSTORE_SWAGGER });
  routes.set('/broken/ai-plugin.json', { type: json, body: manifest('Broken', '/missing.yaml', { type: 'none' }) });
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

describe('importAiPlugin, over a loopback HTTP server', () => {
  it('imports a plugin found from its site URL, with the origin as base URL when the spec has no servers', async () => {
    const manifestUrl = discoverManifestUrl(origin);
    const result = await importAiPlugin(manifestUrl, { fetchText });
    expect(result.manifestUrl).toBe(`${origin}/.well-known/ai-plugin.json`);
    expect(result.specUrl).toBe(`${origin}/openapi.yaml`);
    expect(result.manifest).toMatchObject({
      nameForModel: 'todo',
      nameForHuman: 'Todo',
      instructions: "Use Todo to manage the user's todo.",
      credentialRequirement: { kind: 'none' },
      logoUrl: `${origin}/logo.png`,
      contactEmail: 'dev@example.com',
      legalInfoUrl: 'https://example.com/legal',
    });
    expect(result.specImport.tools.map((t) => t.name)).toEqual(['todo__get_todos']);
    expect(result.specImport.baseUrl).toBe(origin);
    expect(result.specImport.warnings.at(-1)).toEqual({
      message: `The spec names no absolute server URL; using the origin it was served from, ${origin}.`,
    });
  });

  it('resolves a relative api.url against the manifest and uses the given plugin name', async () => {
    const result = await importAiPlugin(`${origin}/pets/ai-plugin.json`, { fetchText }, { pluginName: 'zoo' });
    expect(result.specUrl).toBe(`${origin}/pets/spec.yaml`);
    expect(result.manifest.credentialRequirement).toMatchObject({ kind: 'oauth2', clientUrl: `${origin}/authorize`, scope: 'pets' });
    expect(result.specImport.tools.length).toBeGreaterThan(0);
    expect(result.specImport.tools.every((t) => t.name.startsWith('zoo__'))).toBe(true);
  });

  it('upgrades a Swagger 2.0 spec behind a manifest', async () => {
    const result = await importAiPlugin(`${origin}/store/ai-plugin.json`, { fetchText });
    expect(result.manifest.credentialRequirement).toEqual({ kind: 'user_token', scheme: 'bearer' });
    expect(result.specImport.warnings).toContainEqual({ message: UPGRADED_WARNING });
    expect(result.specImport.baseUrl).toBe('https://petstore.example.com/v2');
    expect(result.specImport.tools).toHaveLength(5);
  });

  it('reports a manifest or spec that cannot be fetched as SPEC_FETCH_FAILED', async () => {
    for (const url of [`${origin}/nothing/ai-plugin.json`, `${origin}/broken/ai-plugin.json`]) {
      const err = await importAiPlugin(url, { fetchText }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).code).toBe('SPEC_FETCH_FAILED');
      expect((err as GatewayError).reason).toBe('HTTP 404');
    }
  });
});
