import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERRORS } from './errors.js';

const docPath = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));

describe('error table', () => {
  it('docs/errors.md lists exactly the codes of the table, with their HTTP status', () => {
    const doc = readFileSync(docPath, 'utf8');
    const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, status] of rows) {
      expect(ERRORS[code as keyof typeof ERRORS].http, `status of ${String(code)}`).toBe(status);
    }
  });

  it('every message tells the caller what to do', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS[code].message.length, code).toBeGreaterThan(20);
      expect(ERRORS[code].message.endsWith('.'), code).toBe(true);
    }
  });
});
