import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { discoverManifestUrl } from './discover-manifest-url.js';
import { parseAiPluginManifest } from './parse-ai-plugin-manifest.js';

const MANIFEST_URL = 'https://todo.example.com/.well-known/ai-plugin.json';

/** Shaped like OpenAI's plugin quickstart manifest. */
function manifest(auth: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 'v1',
    name_for_human: 'TODO List',
    name_for_model: 'todo',
    description_for_human: 'Manage your TODO list. You can add, remove and view your TODOs.',
    description_for_model: 'Plugin for managing a TODO list, you can add, remove and view your TODOs.',
    auth,
    api: { type: 'openapi', url: 'https://todo.example.com/openapi.yaml' },
    logo_url: '/logo.png',
    contact_email: 'support@example.com',
    legal_info_url: 'https://example.com/legal',
    ...extra,
  };
}

function specInvalid(run: () => unknown): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'SPEC_INVALID') return err;
    throw err;
  }
  throw new Error('expected SPEC_INVALID');
}

const strict = (doc: unknown): ReturnType<typeof parseAiPluginManifest> => parseAiPluginManifest(doc, { manifestUrl: MANIFEST_URL });
const lenient = (doc: unknown): ReturnType<typeof parseAiPluginManifest> =>
  parseAiPluginManifest(doc, { manifestUrl: MANIFEST_URL, lenient: true });

describe('parseAiPluginManifest', () => {
  it('reads a manifest without auth, resolving relative URLs against the manifest', () => {
    const { manifest: m, warnings } = strict(manifest({ type: 'none' }));
    expect(warnings).toEqual([]);
    expect(m).toEqual({
      nameForModel: 'todo',
      nameForHuman: 'TODO List',
      descriptionForHuman: 'Manage your TODO list. You can add, remove and view your TODOs.',
      instructions: 'Plugin for managing a TODO list, you can add, remove and view your TODOs.',
      credentialRequirement: { kind: 'none' },
      specUrl: 'https://todo.example.com/openapi.yaml',
      logoUrl: 'https://todo.example.com/logo.png',
      contactEmail: 'support@example.com',
      legalInfoUrl: 'https://example.com/legal',
    });
  });

  it('maps user_http to a per-user token', () => {
    const { manifest: m } = strict(manifest({ type: 'user_http', authorization_type: 'bearer' }));
    expect(m.credentialRequirement).toEqual({ kind: 'user_token', scheme: 'bearer' });
    expect(strict(manifest({ type: 'user_http', authorization_type: 'basic' })).manifest.credentialRequirement).toEqual({
      kind: 'user_token',
      scheme: 'basic',
    });
  });

  it('maps service_http to one service token, keeping only that verification tokens exist', () => {
    const auth = { type: 'service_http', authorization_type: 'bearer', verification_tokens: { openai: 'a3f9c0ffee-secret-token' } };
    const parsed = strict(manifest(auth));
    expect(parsed.manifest.credentialRequirement).toEqual({ kind: 'service_token', scheme: 'bearer', hasVerificationTokens: true });
    expect(JSON.stringify(parsed)).not.toContain('a3f9c0ffee-secret-token');
  });

  it('maps oauth to an authorization-code requirement without the verification token', () => {
    const auth = {
      type: 'oauth',
      client_url: 'https://auth.example.com/oauth/authorize',
      scope: 'read:todos write:todos',
      authorization_url: 'https://auth.example.com/oauth/token',
      authorization_content_type: 'application/json',
      verification_tokens: { openai: 'oauth-verification-secret' },
      instructions: 'Sign in with your example.com account.',
    };
    const parsed = strict(manifest(auth));
    expect(parsed.manifest.credentialRequirement).toEqual({
      kind: 'oauth2',
      clientUrl: 'https://auth.example.com/oauth/authorize',
      authorizationUrl: 'https://auth.example.com/oauth/token',
      scope: 'read:todos write:todos',
      contentType: 'application/json',
      hasVerificationTokens: true,
    });
    expect(JSON.stringify(parsed)).not.toContain('oauth-verification-secret');
  });

  it('refuses over-long and invalid names in strict mode, naming the field', () => {
    expect(specInvalid(() => strict(manifest({ type: 'none' }, { name_for_model: 'x'.repeat(51) }))).details).toMatchObject({
      field: 'name_for_model',
    });
    expect(specInvalid(() => strict(manifest({ type: 'none' }, { name_for_model: 'todo list' }))).message).toBe(
      'The plugin manifest\'s "name_for_model" contains spaces.',
    );
    expect(specInvalid(() => strict(manifest({ type: 'none' }, { name_for_human: 'A'.repeat(51) }))).details).toMatchObject({
      field: 'name_for_human',
    });
    expect(specInvalid(() => strict(manifest({ type: 'none' }, { description_for_human: 'd'.repeat(121) }))).message).toContain(
      'longer than 120 characters',
    );
    expect(specInvalid(() => strict(manifest({ type: 'none' }, { description_for_model: 'd'.repeat(8001) }))).details).toMatchObject({
      field: 'description_for_model',
    });
    expect(specInvalid(() => strict(manifest({ type: 'none' }, { schema_version: 'v2' }))).details).toMatchObject({
      field: 'schema_version',
    });
  });

  it('turns the same problems into warnings in lenient mode, keeping the values', () => {
    const doc = manifest(
      { type: 'user_http', authorization_type: 'Bearer' },
      { name_for_model: 'todo list', description_for_human: 'd'.repeat(121) },
    );
    delete doc['schema_version'];
    const { manifest: m, warnings } = lenient(doc);
    expect(m.nameForModel).toBe('todo list');
    expect(m.credentialRequirement).toEqual({ kind: 'user_token', scheme: 'bearer' });
    expect(warnings.map((w) => w.message)).toEqual([
      'The plugin manifest\'s "schema_version" is undefined, not "v1".',
      'The plugin manifest\'s "name_for_model" contains spaces.',
      'The plugin manifest\'s "description_for_human" is longer than 120 characters.',
      'The plugin manifest\'s "auth.authorization_type" is "Bearer"; read as "bearer".',
    ]);
  });

  it('fails on a missing api.url, or an unknown auth type, in both modes', () => {
    for (const parse of [strict, lenient]) {
      expect(specInvalid(() => parse(manifest({ type: 'none' }, { api: { type: 'openapi' } }))).details).toMatchObject({
        field: 'api.url',
      });
      expect(specInvalid(() => parse(manifest({ type: 'none' }, { api: undefined }))).details).toMatchObject({ field: 'api' });
      expect(specInvalid(() => parse(manifest({ type: 'magic' }))).details).toMatchObject({ field: 'auth.type' });
      expect(specInvalid(() => parse(manifest({ type: 'service_http', authorization_type: 'custom' }))).details).toMatchObject({
        field: 'auth.authorization_type',
      });
      expect(specInvalid(() => parse('not an object')).details).toMatchObject({ field: '(document)' });
    }
  });

  it('resolves a relative api.url against the manifest URL, and refuses non-http ones', () => {
    const doc = manifest({ type: 'none' }, { api: { type: 'openapi', url: '/openapi.json' } });
    expect(strict(doc).manifest.specUrl).toBe('https://todo.example.com/openapi.json');
    const sibling = manifest({ type: 'none' }, { api: { type: 'openapi', url: 'spec.yaml' } });
    expect(strict(sibling).manifest.specUrl).toBe('https://todo.example.com/.well-known/spec.yaml');
    const file = manifest({ type: 'none' }, { api: { type: 'openapi', url: 'file:///etc/passwd' } });
    expect(specInvalid(() => lenient(file)).details).toMatchObject({ field: 'api.url' });
  });
});

describe('discoverManifestUrl', () => {
  it('finds the well-known manifest of a site', () => {
    expect(discoverManifestUrl('https://todo.example.com')).toBe('https://todo.example.com/.well-known/ai-plugin.json');
    expect(discoverManifestUrl(' https://todo.example.com/ ')).toBe('https://todo.example.com/.well-known/ai-plugin.json');
    expect(discoverManifestUrl('http://127.0.0.1:5003')).toBe('http://127.0.0.1:5003/.well-known/ai-plugin.json');
  });

  it('leaves a manifest URL alone and refuses what is not an http(s) URL', () => {
    expect(discoverManifestUrl('https://x.example.com/plugins/a/ai-plugin.json')).toBe('https://x.example.com/plugins/a/ai-plugin.json');
    expect(() => discoverManifestUrl('todo.example.com')).toThrow(GatewayError);
    expect(() => discoverManifestUrl('file:///etc/ai-plugin.json')).toThrow(/http\(s\) URL/);
  });
});
