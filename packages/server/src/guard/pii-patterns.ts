import type { PiiKind } from './guard-settings.js';
import { cardNetworkMatches, ibanValid, luhnValid, ssnValid } from './pii-checks.js';
import { redacted, type ScanPattern } from './scan-pattern.js';

/** File names like `icon@2x.png` look like addresses; these endings are not top-level domains in use. */
const FILE_ENDINGS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'css', 'js', 'json', 'txt']);

/**
 * Personal data. Anything with a checksum is checked (Luhn, mod-97) and invalid ranges are refused, so
 * long numbers, timestamps and ids that merely look right stay.
 */
export const PII_PATTERNS: Readonly<Record<PiiKind, ScanPattern>> = {
  email: {
    kind: 'email',
    minLength: 6,
    requires: '@',
    source:
      '(?<![A-Za-z0-9._%+-])(?<emailLocal>[A-Za-z0-9._%+-]{1,64})@(?:[A-Za-z0-9-]{1,63}\\.){1,8}(?<emailTld>[A-Za-z]{2,24})(?![A-Za-z0-9-])',
    // `git@github.com:org/repo` is an SSH remote, not a person's address.
    checked: true,
    redact: (_m, g) => (g['emailLocal'] === 'git' || FILE_ENDINGS.has((g['emailTld'] ?? '').toLowerCase()) ? undefined : redacted('email')),
  },
  // 13–19 digits starting 2–6, optionally grouped by spaces or dashes; then network range and Luhn.
  payment_card: {
    kind: 'payment_card',
    minLength: 13,
    source: '(?<![\\w.-])[2-6]\\d{3}(?:[ -]?\\d){9,15}(?![\\w-]|\\.\\d)',
    checked: true,
    redact: (m) => {
      const digits = m.replace(/[ -]/g, '');
      return cardNetworkMatches(digits) && luhnValid(digits) ? redacted('payment_card') : undefined;
    },
  },
  // Only the dashed form: nine bare digits are far more often something else.
  us_ssn: {
    kind: 'us_ssn',
    minLength: 11,
    source: '(?<![\\w-])(?<ssnArea>\\d{3})-(?<ssnGroup>\\d{2})-(?<ssnSerial>\\d{4})(?![\\w-])',
    checked: true,
    redact: (_m, g) => (ssnValid(g['ssnArea'] ?? '', g['ssnGroup'] ?? '', g['ssnSerial'] ?? '') ? redacted('us_ssn') : undefined),
  },
  // Compact or printed in groups of four; then the country's length and the mod-97 check.
  iban: {
    kind: 'iban',
    minLength: 15,
    source: '(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])',
    checked: true,
    redact: (m) => (ibanValid(m.replace(/ /g, '')) ? redacted('iban') : undefined),
  },
  // Conservative: only international numbers with a leading +, compact (E.164) or grouped by single
  // separators, 8–15 digits in all. National formats without a country code are left alone.
  phone: {
    kind: 'phone',
    minLength: 9,
    source: '(?<![\\w+])\\+[1-9](?:\\d{6,14}|\\d{0,2}(?:[ .-](?:\\(\\d{1,4}\\)|\\d{1,8})){2,6})(?![\\w]|[.-]\\d)',
    checked: true,
    redact: (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? redacted('phone') : undefined;
    },
  },
};
