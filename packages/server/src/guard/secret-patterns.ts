import { END, START, redacted, type ScanPattern } from './scan-pattern.js';

/**
 * Credentials with a recognisable shape. Each pattern is anchored on a vendor prefix or label and a
 * realistic length, and must stand alone (START/END), so hashes, UUIDs and base64 blobs do not match.
 */
export const SECRET_PATTERNS: readonly ScanPattern[] = [
  // PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PGP "PRIVATE KEY BLOCK"): the whole block. A block cut
  // off before its END line (a truncated upstream body) is redacted to the end of the text.
  {
    kind: 'private_key',
    minLength: 40,
    source: '-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)',
  },
  // scheme://user:password@host (database URLs, git remotes): the credentials go, scheme and host stay.
  {
    kind: 'url_credentials',
    minLength: 8,
    source: `(?<urlScheme>\\b[A-Za-z][A-Za-z0-9+.-]{1,30}://)[^\\s/?#@:'"<>]{1,256}:[^\\s/?#@'"<>]{1,256}@`,
    redact: (_m, g) => `${g['urlScheme'] ?? ''}${redacted('url_credentials')}@`,
  },
  // Slack incoming webhooks: the URL path is the credential.
  { kind: 'slack_webhook', minLength: 40, source: 'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{10,}' },
  // AWS access key ids: long-term (AKIA) and temporary (ASIA), 20 characters.
  { kind: 'aws_access_key_id', minLength: 20, source: `${START}(?:AKIA|ASIA)[A-Z0-9]{16}${END}` },
  // AWS secret access keys are 40 base64 characters with no prefix: only next to their label.
  {
    kind: 'aws_secret_access_key',
    minLength: 59,
    source:
      '(?<awsLabel>(?:aws|AWS|Aws)_?(?:secret|SECRET|Secret)_?(?:access|ACCESS|Access)_?(?:key|KEY|Key)["\']?\\s*[:=]\\s*["\']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])',
    redact: (_m, g) => `${g['awsLabel'] ?? ''}${redacted('aws_secret_access_key')}`,
  },
  // GitHub: classic personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  { kind: 'github_token', minLength: 40, source: `${START}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,240})${END}` },
  // GitLab personal access tokens (newer ones carry a dotted suffix).
  { kind: 'gitlab_token', minLength: 26, source: `${START}glpat-[A-Za-z0-9_-]{20,}(?:\\.[A-Za-z0-9_-]{2,})*${END}` },
  // Slack bot, user, app-level, refresh and legacy tokens.
  { kind: 'slack_token', minLength: 15, source: `${START}xox[abprs]-[A-Za-z0-9-]{10,250}${END}` },
  // Stripe live secret and restricted keys (test keys move no money and are left alone).
  { kind: 'stripe_key', minLength: 28, source: `${START}(?:sk|rk)_live_[A-Za-z0-9]{20,247}${END}` },
  // Google API keys: AIza and 35 more characters.
  { kind: 'google_api_key', minLength: 39, source: `${START}AIza[A-Za-z0-9_-]{35}${END}` },
  // Anthropic API and admin keys (sk-ant-api03-…, about 100 characters).
  { kind: 'anthropic_key', minLength: 93, source: `${START}sk-ant-(?:api|admin|oat|ort)\\d{2}-[A-Za-z0-9_-]{80,200}${END}` },
  // OpenAI: project, service-account and admin keys, and legacy user keys (48 characters, often with T3BlbkFJ).
  {
    kind: 'openai_key',
    minLength: 51,
    source: `${START}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})${END}`,
  },
  // JWTs: base64url JSON header and payload (both start eyJ, i.e. `{"`) and a signature.
  { kind: 'jwt', minLength: 41, source: `${START}eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}${END}` },
  // Toolgate's own API keys (core/api-key-format.ts): tgk_<12-char id>_<43-char secret>.
  { kind: 'toolgate_api_key', minLength: 61, source: `${START}tgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}${END}` },
];

/**
 * JSON fields named like credentials, compared lower case without `_` and `-` (so `api_key`, `apiKey`,
 * `API-KEY` are one name). Pagination cursors (`next_page_token`) and counters (`max_tokens`) are not here.
 */
export const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  // Headers echoed back by debug endpoints carry the plugin's own credential.
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'credentials',
  'passphrase',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'bearertoken',
  'apikey',
  'xapikey',
  'secretkey',
  'privatekey',
  'secretaccesskey',
  'awssecretaccesskey',
]);

export const CREDENTIAL_FIELD_KIND = 'credential_field';

export function isCredentialField(key: string): boolean {
  // Cheap length bounds first: most keys are not credential names and are rejected without allocating.
  if (key.length < 5 || key.length > 24) return false;
  return CREDENTIAL_FIELDS.has(key.toLowerCase().replace(/[_-]/g, ''));
}
