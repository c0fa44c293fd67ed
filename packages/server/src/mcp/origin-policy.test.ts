import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin-policy.js';

describe('originAllowed', () => {
  const listed = ['https://app.example.com'];

  it('allows requests without an Origin (non-browser clients) and listed origins, in any case', () => {
    expect(originAllowed(undefined, [])).toBe(true);
    expect(originAllowed('https://app.example.com', listed)).toBe(true);
    expect(originAllowed('HTTPS://APP.EXAMPLE.COM', listed)).toBe(true);
  });

  it('refuses other origins, "null", and look-alikes', () => {
    expect(originAllowed('https://evil.example', listed)).toBe(false);
    expect(originAllowed('null', listed)).toBe(false);
    expect(originAllowed('https://app.example.com.evil.example', listed)).toBe(false);
    expect(originAllowed('http://app.example.com', listed)).toBe(false);
  });

  it("allows the gateway's own origin only when it is addressed by a loopback name (no DNS rebinding)", () => {
    expect(originAllowed('http://127.0.0.1:8787', [], '127.0.0.1:8787')).toBe(true);
    expect(originAllowed('http://localhost:8787', [], 'localhost:8787')).toBe(true);
    expect(originAllowed('http://[::1]:8787', [], '[::1]:8787')).toBe(true);
    // A rebinding page: the attacker's host name is in both headers.
    expect(originAllowed('http://evil.example.com:8787', [], 'evil.example.com:8787')).toBe(false);
    // Another local web app calling the gateway cross-origin.
    expect(originAllowed('http://localhost:3000', [], 'localhost:8787')).toBe(false);
    expect(originAllowed('http://evil.example.com', [], '127.0.0.1:8787')).toBe(false);
  });
});
