/**
 * One kind of secret or personal data the scanner finds. `source` is a regular expression without flags;
 * its own capture groups must be named (unique across all patterns), because every pattern of a
 * filter is joined into one expression. `redact` sees the match and its named groups, and returns the
 * replacement, or undefined when a check on the candidate (a checksum, an invalid range) says it is not one.
 */
export interface ScanPattern {
  readonly kind: string;
  readonly source: string;
  /** The shortest text it can match: shorter strings are not scanned for it. */
  readonly minLength: number;
  /**
   * Text this pattern cannot match without (email: `@`). Such a pattern gets an expression of its own that
   * runs only when the text contains it: a pattern that starts with a broad class is slow to try everywhere.
   */
  readonly requires?: string;
  readonly redact?: (match: string, groups: Readonly<Record<string, string | undefined>>) => string | undefined;
  /**
   * `redact` may turn a candidate down (a checksum). The regex has moved past a declined candidate, so
   * such patterns run in passes of their own, after the others: a candidate that fails its check can
   * then never hide a secret it overlaps ("XX00 AKIA…" read as an IBAN).
   */
  readonly checked?: true;
}

export const redacted = (kind: string): string => `[REDACTED:${kind}]`;

/** Not preceded / followed by a base64url or word character: a token inside a longer blob is not a token. */
export const START = '(?<![A-Za-z0-9_-])';
export const END = '(?![A-Za-z0-9_-])';
