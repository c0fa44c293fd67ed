import { describe, expect, it } from 'vitest';
import { OutputGuard } from './output-guard.js';

const j = (...parts: string[]) => parts.join('');
const AWS_KEY = j('AKIA', 'IOSFODNN7EXAMPLE');
const defaults = { secrets: 'redact', pii: 'redact' } as const;

describe('OutputGuard on JSON bodies', () => {
  const filter = new OutputGuard(defaults).forTool('shop', 'shop__get_order');

  it('redacts inside nested strings and keeps the JSON shape, numbers and other values', () => {
    const body = {
      id: 'ord_1001',
      total: 4111111111111111,
      paid: true,
      customer: { email: 'alice@example.com', notes: [`key ${AWS_KEY}`, null, 3, 'fine'] },
    };
    const result = filter.filter(body);
    expect(result.body).toEqual({
      id: 'ord_1001',
      total: 4111111111111111,
      paid: true,
      customer: { email: '[REDACTED:email]', notes: ['key [REDACTED:aws_access_key_id]', null, 3, 'fine'] },
    });
    expect(JSON.parse(JSON.stringify(result.body))).toEqual(result.body);
    expect(result.redactions).toEqual(
      expect.arrayContaining([
        { kind: 'email', count: 1 },
        { kind: 'aws_access_key_id', count: 1 },
      ]),
    );
    // The upstream's body is not modified in place.
    expect(body.customer.email).toBe('alice@example.com');
  });

  it('numbers keys that redact to the same text, in one pass even for thousands of them', () => {
    const body = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`user${i}@example.com`, i]));
    const result = filter.filter(body) as { body: Record<string, number> };
    const keys = Object.keys(result.body);
    expect(keys).toHaveLength(20_000);
    expect(keys.slice(0, 3)).toEqual(['[REDACTED:email]', '[REDACTED:email]#2', '[REDACTED:email]#3']);
    expect(result.body['[REDACTED:email]#20000']).toBe(19_999);
  });

  it('a candidate that fails its check (not an IBAN) does not hide a secret inside it', () => {
    const result = filter.filter({ note: `XX00 ${AWS_KEY}` });
    expect(result.body).toEqual({ note: 'XX00 [REDACTED:aws_access_key_id]' });
  });

  it('redacts credential headers a debug endpoint echoes back', () => {
    const result = filter.filter({ headers: { Authorization: 'Bearer opaque-token-123', Cookie: 'session=abc', 'Set-Cookie': 'id=1' } });
    expect(result.body).toEqual({
      headers: {
        Authorization: '[REDACTED:credential_field]',
        Cookie: '[REDACTED:credential_field]',
        'Set-Cookie': '[REDACTED:credential_field]',
      },
    });
  });

  it('returns the very same body when nothing matches (no copy)', () => {
    const body = { orders: [{ id: 'ord_1', at: '2026-03-01T10:15:30Z', sha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' }] };
    const result = filter.filter(body);
    expect(result.body).toBe(body);
    expect(result.redactions).toEqual([]);
  });

  it('redacts string values of fields named like credentials, whatever their shape', () => {
    const result = filter.filter({
      password: 'hunter2',
      api_key: 'abc',
      apiKey: 'def',
      client_secret: 'ghi',
      token: 'jkl',
      empty_password: '',
      password_hint: 'your pet',
      next_page_token: 'cursor-2',
      max_tokens: 100,
      nested: { access_token: 'mno', token: 42 },
    });
    expect(result.body).toEqual({
      password: '[REDACTED:credential_field]',
      api_key: '[REDACTED:credential_field]',
      apiKey: '[REDACTED:credential_field]',
      client_secret: '[REDACTED:credential_field]',
      token: '[REDACTED:credential_field]',
      empty_password: '',
      password_hint: 'your pet',
      next_page_token: 'cursor-2',
      max_tokens: 100,
      nested: { access_token: '[REDACTED:credential_field]', token: 42 },
    });
    expect(result.redactions).toEqual([{ kind: 'credential_field', count: 6 }]);
  });

  it('redacts object keys too, without merging two redacted keys into one', () => {
    const result = filter.filter({ 'a@example.com': 1, 'b@example.com': 2, plain: 3 });
    expect(result.body).toEqual({ '[REDACTED:email]': 1, '[REDACTED:email]#2': 2, plain: 3 });
    expect(result.redactions).toEqual([{ kind: 'email', count: 2 }]);
  });

  it('keeps a "__proto__" key as data', () => {
    const body = JSON.parse('{"__proto__": {"x": "a@example.com"}}') as Record<string, unknown>;
    const result = filter.filter(body).body as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ x: '[REDACTED:email]' });
  });

  it('scans a text body as one string', () => {
    expect(filter.filter(`line one\nAccess key: ${AWS_KEY}\nmail bob@example.org`).body).toBe(
      'line one\nAccess key: [REDACTED:aws_access_key_id]\nmail [REDACTED:email]',
    );
  });

  it('counts a URL credential once, not also as an email address', () => {
    const result = filter.filter('https://deploy:pa55word@example.com/repo.git');
    expect(result.body).toBe('https://[REDACTED:url_credentials]@example.com/repo.git');
    expect(result.redactions).toEqual([{ kind: 'url_credentials', count: 1 }]);
  });
});

describe('OutputGuard settings', () => {
  it('block: a result with a secret is blocked (kinds named), one with only personal data is redacted', () => {
    const filter = new OutputGuard({ ...defaults, secrets: 'block' }).forTool('p', 't');
    const blocked = filter.filter({ k: AWS_KEY, mail: 'a@example.com' });
    expect(blocked.blockedKinds).toEqual(['aws_access_key_id']);
    const redacted = filter.filter({ mail: 'a@example.com' });
    expect(redacted.blockedKinds).toBeUndefined();
    expect(redacted.body).toEqual({ mail: '[REDACTED:email]' });
  });

  it('off: nothing is touched', () => {
    const filter = new OutputGuard({ secrets: 'off', pii: 'off' }).forTool('p', 't');
    const body = { password: 'x', k: AWS_KEY, mail: 'a@example.com' };
    expect(filter.filter(body)).toEqual({ body, redactions: [] });
  });

  it('a tool overrides its plugin, which overrides the defaults, field by field', () => {
    const guard = new OutputGuard({
      ...defaults,
      plugins: { crm: { pii: 'off', secrets: 'block' } },
      tools: { crm__export: { secrets: 'redact' } },
    });
    const body = { k: AWS_KEY, mail: 'a@example.com' };
    expect(guard.forTool('crm', 'crm__list').filter(body).blockedKinds).toEqual(['aws_access_key_id']);
    expect(guard.forTool('crm', 'crm__export').filter(body)).toEqual({
      body: { k: '[REDACTED:aws_access_key_id]', mail: 'a@example.com' },
      redactions: [{ kind: 'aws_access_key_id', count: 1 }],
    });
    expect(guard.forTool('shop', 'shop__list').filter(body).body).toEqual({
      k: '[REDACTED:aws_access_key_id]',
      mail: '[REDACTED:email]',
    });
  });

  it('resolves a tool once, shares the filter between tools of the same policy, and ignores inherited names', () => {
    const guard = new OutputGuard({ ...defaults, tools: { special: { pii: 'off' } } });
    expect(guard.forTool('a', 'one')).toBe(guard.forTool('a', 'one'));
    expect(guard.forTool('a', 'one')).toBe(guard.forTool('b', 'two'));
    expect(guard.forTool('a', 'special')).not.toBe(guard.forTool('a', 'one'));
    expect(guard.forTool('a', 'constructor').filter('a@example.com').body).toBe('[REDACTED:email]');
  });
});
