import { isIP } from 'node:net';
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ArgShape } from './arg-shape.js';

/** Thrown when a value does not fit its shape; the caller denies (fail closed), never guesses. */
export class CedarValueError extends Error {}

/**
 * A JSON value as Cedar JSON for its shape. Only declared record attributes are copied, so an
 * argument object can never smuggle a Cedar escape (`__entity`, `__extn`) into the request.
 */
export function toCedarValue(shape: ArgShape, value: unknown, path: string): CedarValueJson {
  switch (shape.kind) {
    case 'String':
      if (typeof value === 'string') return value;
      break;
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'Long':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      break;
    case 'decimal':
      if (typeof value === 'number') return { __extn: { fn: 'decimal', arg: decimalText(value, path) } };
      break;
    case 'Set':
      if (Array.isArray(value)) return value.map((v, i) => toCedarValue(shape.element, v, `${path}[${i}]`));
      break;
    case 'Record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) break;
      const source = value as Readonly<Record<string, unknown>>;
      const out: Record<string, CedarValueJson> = {};
      for (const [name, attr] of shape.attributes) {
        const v = Object.hasOwn(source, name) ? source[name] : undefined;
        if (v === undefined || v === null) {
          if (attr.required) throw new CedarValueError(`${path}.${name} is missing`);
          continue;
        }
        out[name] = toCedarValue(attr.shape, v, `${path}.${name}`);
      }
      return out;
    }
  }
  throw new CedarValueError(`${path} is not a ${shape.kind}`);
}

/**
 * Cedar decimals have at most 4 fractional digits. A number with more cannot be represented
 * exactly, and rounding could move it across a policy's limit, so it is refused instead.
 */
export function decimalText(n: number, path: string): string {
  const text = String(n);
  if (!Number.isFinite(n) || /e/i.test(text) || Math.abs(n) >= 9e14) {
    throw new CedarValueError(`${path} (${text}) is outside Cedar decimal range`);
  }
  const [whole, frac] = text.split('.');
  if (frac === undefined) return `${whole}.0`;
  if (frac.length > 4) throw new CedarValueError(`${path} (${text}) has more than 4 decimal places`);
  return text;
}

/** The caller IP as a Cedar `ipaddr`, or undefined when the surface did not give a valid one. */
export function ipValue(ip: string | undefined): CedarValueJson | undefined {
  if (ip === undefined) return undefined;
  // Node reports IPv4 callers on dual-stack sockets as IPv4-mapped IPv6; policies test IPv4 ranges.
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return isIP(plain) === 0 ? undefined : { __extn: { fn: 'ip', arg: plain } };
}
