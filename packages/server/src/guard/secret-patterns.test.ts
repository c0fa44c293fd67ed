import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../core/api-key-format.js';
import { OutputGuard } from './output-guard.js';

// Test secrets are built from parts so repository secret scanners do not flag this file.
const j = (...parts: string[]) => parts.join('');
const filter = new OutputGuard({ secrets: 'redact', pii: 'off' }).forTool('p', 't');
const redact = (text: string) => filter.filter(text);

const ALNUM36 = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const JWT = j(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  '.',
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0',
  '.',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
);
const PEM = j('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7zQ\nq3VmT0+abc/def==\n-----END RSA ', 'PRIVATE KEY-----');

describe('secret kinds', () => {
  const cases: [kind: string, secret: string][] = [
    ['aws_access_key_id', j('AKIA', 'IOSFODNN7EXAMPLE')],
    ['aws_access_key_id', j('ASIA', 'Y34FZKBOKMUTVV7A')],
    ['github_token', j('ghp_', ALNUM36)],
    ['github_token', j('gho_', ALNUM36)],
    ['github_token', j('ghu_', ALNUM36)],
    ['github_token', j('ghs_', ALNUM36)],
    ['github_token', j('ghr_', ALNUM36)],
    ['github_token', j('github_pat_', '11ABCDEFG0abcdefghijkl_', 'mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghi')],
    ['gitlab_token', j('glpat-', 'xYz12AbC34dEf56GhI78')],
    ['slack_token', j('xox', 'b-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx')],
    ['slack_token', j('xox', 'p-123456789012-123456789012-1234567890123-0123456789abcdef0123456789abcdef')],
    ['slack_webhook', j('https://hooks.', 'slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX')],
    ['stripe_key', j('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dc')],
    ['stripe_key', j('rk_', 'live_', '51H8xYzAbCdEfGhIjKlMnOpQr')],
    ['google_api_key', j('AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY')],
    ['openai_key', j('sk-', 'proj-', 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6vWx9zAb2dEf5hIj8l')],
    ['openai_key', j('sk-', 'Ab3dEf6hIj9lMn2pQr5t', 'T3Blbk', 'FJ', 'Uv8xYz1bCd4fGh7jKl0n')],
    ['anthropic_key', j('sk-', 'ant-api03-', 'A'.repeat(20), 'b1C2d3E4f5G6h7I8j9K0'.repeat(4), '-_xyzAA')],
    ['jwt', JWT],
    ['toolgate_api_key', generateApiKey().key],
    ['private_key', PEM],
  ];

  it.each(cases)('redacts %s in text, keeping the text around it', (kind, secret) => {
    const result = redact(`before ${secret} after`);
    expect(result.body).toBe(`before [REDACTED:${kind}] after`);
    expect(result.redactions).toEqual([{ kind, count: 1 }]);
  });

  it('redacts an AWS secret key only next to its label, and keeps the label', () => {
    const value = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(redact(`aws_secret_access_key = ${value}`).body).toBe('aws_secret_access_key = [REDACTED:aws_secret_access_key]');
    expect(redact(`AWS_SECRET_ACCESS_KEY="${value}"`).body).toBe('AWS_SECRET_ACCESS_KEY="[REDACTED:aws_secret_access_key]"');
    // The same 40 characters without a label are indistinguishable from any base64 and stay.
    expect(redact(`checksum ${value}`).redactions).toEqual([]);
  });

  it('keeps scheme and host of a URL with credentials, and drops the credentials', () => {
    const result = redact('postgres://admin:s3cr3t-P4ss@db.internal:5432/app and https://example.com/path');
    expect(result.body).toBe('postgres://[REDACTED:url_credentials]@db.internal:5432/app and https://example.com/path');
    expect(result.redactions).toEqual([{ kind: 'url_credentials', count: 1 }]);
  });

  it('redacts a private key block cut off before its END line to the end of the text', () => {
    const cut = j('key: -----BEGIN OPENSSH ', 'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(redact(cut).body).toBe('key: [REDACTED:private_key]');
  });

  it('counts several findings of one kind', () => {
    const a = j('AKIA', 'IOSFODNN7EXAMPLE');
    const b = j('AKIA', 'I44QH8DHBEXAMPLE');
    expect(redact(`${a}, ${b}`).redactions).toEqual([{ kind: 'aws_access_key_id', count: 2 }]);
  });

  describe('leaves look-alikes alone', () => {
    const negatives: [what: string, text: string][] = [
      ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
      ['a git SHA', 'commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'],
      ['a SHA-256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['an order id', 'ord_1001 and AKIA1234 (too short)'],
      ['a Stripe test key', j('sk_', 'test_', '4eC39HqLyjWDarjtT1zdp7dc')],
      ['a short sk- word', 'sk-learn and risk-based'],
      ['a URL without credentials', 'https://user@example.com/path?a=b:c'],
      ['a public key', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----'],
      ['a token inside a base64 blob', j('iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB', 'AKIA', 'IOSFODNN7EXAMPLE', 'CAYAAAAfFcSJAAAADUlEQVR42mNk')],
      ['eyJ with no second part', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 is a header'],
    ];
    it.each(negatives)('%s', (_what, text) => {
      expect(redact(text)).toEqual({ body: text, redactions: [] });
    });

    it('a long base64 blob', () => {
      let blob = '';
      for (let i = 0; i < 200; i++) blob += Buffer.from(`chunk-${i}-${'x'.repeat(i % 17)}`).toString('base64');
      expect(redact(blob).redactions).toEqual([]);
    });
  });
});
