import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `tgk_<id>_<secret>`: the prefix makes leaked keys recognisable to secret
 * scanners, the id finds the stored hash without scanning, and only the secret's SHA-256 is stored.
 */
export const API_KEY_PREFIX = 'tgk_';
const ID_PATTERN = /^[a-z0-9]{12}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedApiKey {
  readonly id: string;
  readonly secret: string;
}

export function parseApiKey(text: string): ParsedApiKey | undefined {
  if (!text.startsWith(API_KEY_PREFIX)) return undefined;
  const rest = text.slice(API_KEY_PREFIX.length);
  const id = rest.slice(0, 12);
  const secret = rest.slice(13);
  if (rest[12] !== '_' || !ID_PATTERN.test(id) || !SECRET_PATTERN.test(secret)) return undefined;
  return { id, secret };
}

export function generateApiKey(): { id: string; secret: string; key: string } {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `${API_KEY_PREFIX}${id}_${secret}` };
}

export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function keySecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashKeySecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
