import { describe, expect, it } from 'vitest';
import { plainHttpWarning } from './mcp-stdio-bridge.js';

describe('plainHttpWarning', () => {
  it('warns when the key would cross a network in clear text, not on loopback or HTTPS', () => {
    expect(plainHttpWarning(new URL('http://gateway.internal:8787/mcp'))).toContain('plain HTTP');
    expect(plainHttpWarning(new URL('http://10.0.0.5/mcp'))).toContain('10.0.0.5');
    expect(plainHttpWarning(new URL('http://127.0.0.1:8787/mcp'))).toBeUndefined();
    expect(plainHttpWarning(new URL('http://localhost:8787/mcp'))).toBeUndefined();
    expect(plainHttpWarning(new URL('http://[::1]:8787/mcp'))).toBeUndefined();
    expect(plainHttpWarning(new URL('https://toolgate.example.com/mcp'))).toBeUndefined();
  });
});
