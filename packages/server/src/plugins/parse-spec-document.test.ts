import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.js';
import { parseSpecDocument } from './parse-spec-document.js';

const fixture = (name: string): string => readFileSync(new URL(`./openapi/fixtures/${name}`, import.meta.url), 'utf8');

function specInvalidMessage(text: string): string {
  try {
    parseSpecDocument(text);
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'SPEC_INVALID') return err.message;
    throw err;
  }
  throw new Error('expected SPEC_INVALID');
}

describe('parseSpecDocument', () => {
  it('parses JSON and YAML (anchors, merge keys) into the same object', () => {
    const json = parseSpecDocument(fixture('pets-3.0.json'));
    const yaml = parseSpecDocument(fixture('pets-3.0.yaml'));
    const { 'x-common-id': _anchor, ...yamlWithoutAnchor } = yaml;
    expect(yamlWithoutAnchor).toEqual(json);
    expect(json['openapi']).toBe('3.0.3');
  });

  it('keeps YAML 1.2 scalars as written (no "yes" → true, no dates)', () => {
    const doc = parseSpecDocument('openapi: 3.1.0\nx-flag: yes\nx-date: 2024-01-02\n');
    expect(doc).toEqual({ openapi: '3.1.0', 'x-flag': 'yes', 'x-date': '2024-01-02' });
  });

  it('accepts a byte order mark, duplicate keys and JSON with a trailing comma', () => {
    expect(parseSpecDocument('\uFEFF{"openapi": "3.1.0"}')).toEqual({ openapi: '3.1.0' });
    expect(parseSpecDocument('a: 1\na: 2\n')).toEqual({ a: 2 });
    expect(parseSpecDocument('{"openapi": "3.1.0",}')).toEqual({ openapi: '3.1.0' });
  });

  it('says HTML when a spec URL answered with a web page', () => {
    expect(specInvalidMessage('<!DOCTYPE html><html><body>Sign in</body></html>')).toMatch(
      /^The document is HTML, not an OpenAPI spec: the URL probably serves a web page/,
    );
    expect(specInvalidMessage('  \n<html lang="en"><head></head></html>')).toMatch(
      /^The document is HTML, not an OpenAPI spec: the URL probably serves a web page/,
    );
  });

  it('refuses text that is neither JSON nor YAML, scalars and empty documents', () => {
    expect(specInvalidMessage('openapi: 3.1.0\n  paths: : [')).toMatch(/neither valid JSON nor valid YAML at line \d+/);
    expect(specInvalidMessage('just some words')).toContain('not a JSON or YAML object');
    expect(specInvalidMessage('[1, 2]')).toContain('not a JSON or YAML object');
    expect(specInvalidMessage('   ')).toContain('empty');
  });
});
