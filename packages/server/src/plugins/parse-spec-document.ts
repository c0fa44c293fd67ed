import { parseDocument } from 'yaml';
import { GatewayError } from '../core/gateway-error.js';

function specInvalid(message: string): GatewayError {
  return new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
}

const HTML_START = /^<(!doctype\s+html|html|head|body|!--|[a-z][a-z0-9-]*[\s>])/i;
/** Servers that answer a spec URL with a docs, login or error page: say so instead of a YAML error. */
const HTML_MESSAGE =
  'The document is HTML, not an OpenAPI spec: the URL probably serves a web page (documentation, a login or an error page). Use the URL of the raw JSON or YAML spec.';

/**
 * Turns spec text into a plain object: JSON first (fast, exact), then YAML (1.2 core schema, lenient
 * about duplicate keys and merge keys because published specs have both). Never evaluates anything.
 */
export function parseSpecDocument(text: string): Record<string, unknown> {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw specInvalid('The document is empty, not an OpenAPI spec.');
  if (HTML_START.test(body)) throw specInvalid(HTML_MESSAGE);
  if (body.startsWith('<?xml')) throw specInvalid('The document is XML, not an OpenAPI spec.');

  let value: unknown;
  let parsed = false;
  if (body.startsWith('{') || body.startsWith('[')) {
    try {
      value = JSON.parse(body);
      parsed = true;
    } catch {
      // Fall through to YAML, which also accepts JSON with small mistakes such as trailing commas.
    }
  }
  if (!parsed) {
    const doc = parseDocument(body, { uniqueKeys: false, merge: true, prettyErrors: true });
    const [first] = doc.errors;
    if (first) {
      const where = first.linePos ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
      const summary = first.message.split('\n')[0] ?? first.message;
      throw specInvalid(`The document is neither valid JSON nor valid YAML${where}: ${summary}`);
    }
    try {
      value = doc.toJS();
    } catch (err) {
      // yaml refuses alias expansion bombs ("billion laughs") here.
      throw specInvalid(`The YAML document could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (typeof value === 'string' && /<html|<body|<!doctype/i.test(value)) {
    throw specInvalid(HTML_MESSAGE);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw specInvalid('The document is not a JSON or YAML object, so it is not an OpenAPI spec.');
  }
  return value as Record<string, unknown>;
}
