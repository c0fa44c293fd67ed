import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';

/**
 * Cedar values for the JavaScript evaluator, held in Cedar's own JSON form (what `toCedarValue` and the
 * entity builders already produce), so the fast path and cedar-wasm see the very same request. The
 * forms are unambiguous here: argument names `__entity`/`__extn`/`__expr` are reserved (arg-shape.ts)
 * and the compiler refuses record literals with those keys.
 */
export type Kind = 'bool' | 'long' | 'string' | 'set' | 'record' | 'entity' | 'ext';

export interface EntityUid {
  readonly type: string;
  readonly id: string;
}

/** A Cedar evaluation error (the statement errs, so the call is denied). */
export class CedarEvalError extends Error {}

/**
 * Thrown when the request holds something the fast path cannot decide exactly (two different `ipaddr`
 * values compared); the whole tool's set is then evaluated by cedar-wasm.
 */
export class NeedsCedar extends Error {}

export function kindOf(v: CedarValueJson): Kind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'long';
  if (typeof v === 'string') return 'string';
  if (v === null) throw new CedarEvalError('null is not a Cedar value');
  if (Array.isArray(v)) return 'set';
  if (Object.hasOwn(v, '__entity')) return 'entity';
  if (Object.hasOwn(v, '__extn')) return 'ext';
  return 'record';
}

export function typeError(expected: string, v: CedarValueJson): CedarEvalError {
  return new CedarEvalError(`type error: expected ${expected}, got ${kindOf(v)}`);
}

export function asBool(v: CedarValueJson): boolean {
  if (typeof v !== 'boolean') throw typeError('bool', v);
  return v;
}

export function asLong(v: CedarValueJson): number {
  if (typeof v !== 'number') throw typeError('long', v);
  return v;
}

export function asString(v: CedarValueJson): string {
  if (typeof v !== 'string') throw typeError('string', v);
  return v;
}

export function asSet(v: CedarValueJson): readonly CedarValueJson[] {
  if (!Array.isArray(v)) throw typeError('set', v);
  return v;
}

export function asEntity(v: CedarValueJson): EntityUid {
  if (kindOf(v) !== 'entity') throw typeError('entity', v);
  return (v as { __entity: EntityUid }).__entity;
}

export function entityValue(uid: EntityUid): CedarValueJson {
  return { __entity: { type: uid.type, id: uid.id } };
}

export function sameEntity(a: EntityUid, b: EntityUid): boolean {
  return a.type === b.type && a.id === b.id;
}

/**
 * Cedar `==`: values of different types are unequal (no error); sets compare as sets, records by their
 * attributes. Decimals come from `decimalText`, which prints one number one way, so equal text is equal
 * value; two different `ipaddr` texts could still be one address, which only Cedar can say.
 */
export function cedarEquals(a: CedarValueJson, b: CedarValueJson): boolean {
  if (a === b) return true;
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  switch (kind) {
    case 'bool':
    case 'long':
    case 'string':
      return false;
    case 'entity':
      return sameEntity(asEntity(a), asEntity(b));
    case 'set': {
      const x = a as CedarValueJson[];
      const y = b as CedarValueJson[];
      return x.every((v) => setHas(y, v)) && y.every((v) => setHas(x, v));
    }
    case 'record': {
      const x = a as Record<string, CedarValueJson>;
      const y = b as Record<string, CedarValueJson>;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      return keys.every((k) => Object.hasOwn(y, k) && cedarEquals(x[k] as CedarValueJson, y[k] as CedarValueJson));
    }
    case 'ext':
      return extEquals(a as { __extn: Ext }, b as { __extn: Ext });
  }
}

interface Ext {
  readonly fn: string;
  readonly arg?: CedarValueJson;
}

function extEquals(a: { __extn: Ext }, b: { __extn: Ext }): boolean {
  if (a.__extn.fn !== b.__extn.fn) return false;
  if (a.__extn.fn === 'decimal' && typeof a.__extn.arg === 'string') return a.__extn.arg === b.__extn.arg;
  if (a.__extn.arg === b.__extn.arg) return true;
  throw new NeedsCedar(`comparing ${a.__extn.fn} values`);
}

export function setHas(set: readonly CedarValueJson[], v: CedarValueJson): boolean {
  for (const e of set) if (cedarEquals(e, v)) return true;
  return false;
}

export type LikePattern = readonly (string | typeof WILDCARD)[];
export const WILDCARD = Symbol('wildcard');

/**
 * Cedar `like`: `*` matches any run of characters (Unicode scalar values), everything else itself.
 * Greedy matching with one backtrack point: linear-time in practice, never the exponential blow-up a
 * regular expression with several `.*` can show.
 */
export function likeMatches(text: string, pattern: LikePattern): boolean {
  const s = Array.from(text);
  let i = 0;
  let p = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const token = pattern[p];
    if (token === WILDCARD) {
      starP = p;
      starI = i;
      p += 1;
    } else if (token !== undefined && token === s[i]) {
      i += 1;
      p += 1;
    } else if (starP >= 0) {
      p = starP + 1;
      starI += 1;
      i = starI;
    } else {
      return false;
    }
  }
  while (pattern[p] === WILDCARD) p += 1;
  return p === pattern.length;
}
