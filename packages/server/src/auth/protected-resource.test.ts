import { describe, expect, it } from 'vitest';
import { ProtectedResource } from './protected-resource.js';

const settings = { issuer: 'https://sso.example.com/realms/acme', scopesSupported: ['toolgate'] };

describe('ProtectedResource', () => {
  it('derives the audience and metadata URL from the public URL, which wins over the listening address', () => {
    const resource = new ProtectedResource(settings, 'https://toolgate.example.com/');
    resource.listening('http://127.0.0.1:8787');
    expect(resource.audience).toBe('https://toolgate.example.com/mcp');
    expect(resource.metadataUrl).toBe('https://toolgate.example.com/.well-known/oauth-protected-resource');
    expect(resource.metadata()).toEqual({
      resource: 'https://toolgate.example.com/mcp',
      authorization_servers: ['https://sso.example.com/realms/acme'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['toolgate'],
      resource_name: 'Toolgate',
    });
  });

  it('uses the listening address without a public URL, and a configured audience as the resource', () => {
    const resource = new ProtectedResource({ ...settings, audience: 'api://toolgate' }, undefined);
    expect(() => resource.metadataUrl).toThrow(/before the server listened/);
    resource.listening('http://127.0.0.1:43210');
    expect(resource.metadataUrl).toBe('http://127.0.0.1:43210/.well-known/oauth-protected-resource');
    expect(resource.metadata().resource).toBe('api://toolgate');
  });
});
