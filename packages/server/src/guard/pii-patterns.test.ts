import { describe, expect, it } from 'vitest';
import { OutputGuard } from './output-guard.js';
import { cardNetworkMatches, ibanValid, luhnValid, ssnValid } from './pii-checks.js';

const filter = new OutputGuard({ secrets: 'off', pii: 'redact' }).forTool('p', 't');
const redact = (text: string) => filter.filter(text);

describe('personal data kinds', () => {
  const cases: [kind: string, value: string][] = [
    ['email', 'alice.smith+orders@example.co.uk'],
    ['email', 'bob@mail.example.com'],
    ['payment_card', '4111 1111 1111 1111'],
    ['payment_card', '4111-1111-1111-1111'],
    ['payment_card', '5555555555554444'],
    ['payment_card', '378282246310005'],
    ['payment_card', '6011 0009 9013 9424'],
    ['payment_card', '2223003122003222'],
    ['us_ssn', '536-22-8765'],
    ['iban', 'DE89 3704 0044 0532 0130 00'],
    ['iban', 'GB82WEST12345698765432'],
    ['iban', 'NO9386011117947'],
    ['phone', '+1 (415) 555-2671'],
    ['phone', '+44 20 7946 0958'],
    ['phone', '+4915112345678'],
    ['phone', '+33 1 23 45 67 89'],
  ];

  it.each(cases)('redacts %s %s', (kind, value) => {
    const result = redact(`see ${value}, please`);
    expect(result.body).toBe(`see [REDACTED:${kind}], please`);
    expect(result.redactions).toEqual([{ kind, count: 1 }]);
  });

  describe('leaves look-alikes alone', () => {
    const negatives: [what: string, text: string][] = [
      ['a long number failing Luhn', 'tracking 4111 1111 1111 1112'],
      ['a millisecond timestamp', 'at 1767225600000 and 1767225600019'],
      ['a number passing Luhn outside card ranges', 'order 1234567812345670'],
      ['an order id', 'ord_4111111111111111'],
      ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
      ['an ISO timestamp', '2026-03-01T10:15:30.123Z'],
      ['an SSN in a never-issued range', '000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000'],
      ['nine bare digits', 'ref 536228765'],
      ['an IBAN with a wrong check', 'DE89 3704 0044 0532 0130 01'],
      ['upper-case code that is no IBAN', 'SKU AB12CDEF3456GHIJ'],
      ['a national phone number', 'call 415 555 2671 or (020) 7946 0958'],
      ['a time zone offset', '10:15+05:30 and +0530'],
      ['a version', 'v1.2.3 and +1.5'],
      ['an SSH remote', 'git@github.com:octocat/Hello-World.git'],
      ['a retina image name', 'logo@2x.png'],
      ['a decimal amount', 'total 4111111111111111.50'],
      ['a git SHA', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'],
    ];
    it.each(negatives)('%s', (_what, text) => {
      expect(redact(text)).toEqual({ body: text, redactions: [] });
    });
  });

  it('redacts only the kinds listed in piiKinds', () => {
    const onlyEmail = new OutputGuard({ secrets: 'off', pii: 'redact', piiKinds: ['email'] }).forTool('p', 't');
    expect(onlyEmail.filter('a@example.com 4111 1111 1111 1111').body).toBe('[REDACTED:email] 4111 1111 1111 1111');
  });
});

describe('checks', () => {
  it('Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
  it('card networks by prefix and length', () => {
    expect(cardNetworkMatches('4111111111111111')).toBe(true);
    expect(cardNetworkMatches('411111111111111')).toBe(false);
    expect(cardNetworkMatches('378282246310005')).toBe(true);
    expect(cardNetworkMatches('1234567812345670')).toBe(false);
  });
  it('SSN ranges', () => {
    expect(ssnValid('536', '22', '8765')).toBe(true);
    expect(ssnValid('666', '22', '8765')).toBe(false);
  });
  it('IBAN length by country and mod-97', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
    expect(ibanValid('ZZ89370400440532013000')).toBe(false);
  });
});
