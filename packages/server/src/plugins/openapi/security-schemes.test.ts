import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CredentialRequirement } from '../credential-requirement.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import { importOpenApi } from './import-openapi.js';

const secured = parseSpecDocument(readFileSync(new URL('./fixtures/secured-3.0.yaml', import.meta.url), 'utf8'));

describe('importOpenApi: security schemes become credential requirements', () => {
  const result = importOpenApi(secured, { pluginName: 'sec' });

  it('maps every kind of scheme, recording where each is used and with which scopes', () => {
    const expected: CredentialRequirement[] = [
      { kind: 'api_key', schemeName: 'apiKey', in: 'header', name: 'X-API-Key', use: { global: true, operations: [], scopes: [] } },
      {
        kind: 'http_auth',
        schemeName: 'bearer',
        httpScheme: 'bearer',
        bearerFormat: 'JWT',
        use: { global: false, operations: ['POST /reports'], scopes: [] },
      },
      { kind: 'http_auth', schemeName: 'basic', httpScheme: 'basic', use: { global: false, operations: ['DELETE /admin'], scopes: [] } },
      {
        kind: 'oauth2_flows',
        schemeName: 'oauth',
        flows: [
          {
            type: 'authorizationCode',
            authorizationUrl: 'https://auth.example.com/authorize',
            tokenUrl: 'https://auth.example.com/token',
            refreshUrl: 'https://auth.example.com/refresh',
            scopes: { read: 'Read reports', write: 'Write reports' },
          },
          { type: 'clientCredentials', tokenUrl: 'https://auth.example.com/token', scopes: { read: 'Read reports' } },
        ],
        use: { global: true, operations: ['POST /reports'], scopes: ['read', 'write'] },
      },
      {
        kind: 'openid_connect',
        schemeName: 'oidc',
        openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration',
        use: { global: false, operations: ['DELETE /admin'], scopes: ['admin'] },
      },
      { kind: 'mutual_tls', schemeName: 'mtls', use: { global: false, operations: ['DELETE /admin'], scopes: [] } },
      { kind: 'api_key', schemeName: 'unused', in: 'query', name: 'key', use: { global: false, operations: [], scopes: [] } },
    ];
    expect(result.credentialRequirements).toEqual(expected);
  });

  it('keeps the exact alternatives: global, per-operation overrides, and explicitly anonymous operations', () => {
    expect(result.security.global).toEqual([[{ schemeName: 'apiKey', scopes: [] }], [{ schemeName: 'oauth', scopes: ['read'] }]]);
    expect(result.security.operations).toEqual({
      'GET /public': [],
      'POST /reports': [
        [
          { schemeName: 'oauth', scopes: ['read', 'write'] },
          { schemeName: 'bearer', scopes: [] },
        ],
      ],
      'DELETE /admin': [
        [{ schemeName: 'basic', scopes: [] }],
        [{ schemeName: 'oidc', scopes: ['admin'] }],
        [{ schemeName: 'mtls', scopes: [] }],
        [{ schemeName: 'ghost', scopes: [] }],
      ],
    });
    expect(result.security.operations).not.toHaveProperty(['GET /reports']);
  });

  it('warns about a scheme that is used but not declared', () => {
    expect(result.warnings).toEqual([
      { message: '"security" names the scheme "ghost", which components.securitySchemes does not declare' },
    ]);
  });

  it('never copies descriptions, extensions or example keys', () => {
    expect(JSON.stringify(result)).not.toContain('sk-demo');
  });

  it('skips schemes it cannot use as written, with a warning, and keeps the rest', () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1' },
      paths: {},
      components: {
        securitySchemes: {
          broken: { type: 'apiKey', in: 'body', name: 'k' },
          odd: { type: 'magic' },
          shared: { $ref: '#/components/securitySchemes/real' },
          real: { type: 'http', scheme: 'Basic' },
        },
      },
    };
    const imported = importOpenApi(doc, { pluginName: 'x' });
    expect(imported.credentialRequirements.map((r) => ('schemeName' in r ? r.schemeName : r.kind))).toEqual(['shared', 'real']);
    expect(imported.warnings.map((w) => w.message)).toEqual([
      'The spec has no servers; give the plugin a base URL.',
      'The spec has no paths, so no tools.',
      expect.stringMatching(/^security scheme "broken": an apiKey scheme needs "in" .* it is not recorded$/),
      'security scheme "odd": security scheme type "magic" is not known; it is not recorded',
    ]);
  });

  it('a spec without security schemes needs no credentials', () => {
    const imported = importOpenApi({ openapi: '3.0.0', info: { title: 'T', version: '1' }, paths: {} }, { pluginName: 'x' });
    expect(imported.credentialRequirements).toEqual([]);
    expect(imported.security).toEqual({ global: [], operations: {} });
  });
});
