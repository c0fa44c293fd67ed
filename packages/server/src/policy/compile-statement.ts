import { policyToJson, type CedarValueJson, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import {
  asBool,
  asEntity,
  asLong,
  asSet,
  asString,
  CedarEvalError,
  cedarEquals,
  entityValue,
  kindOf,
  likeMatches,
  sameEntity,
  setHas,
  typeError,
  WILDCARD,
  type EntityUid,
  type LikePattern,
} from './cedar-js-values.js';
import { CEDAR_ESCAPE_KEY } from './arg-shape.js';

/** One authorization request as the compiled statements read it (built once per call, shared by all statements). */
export interface JsRequest {
  readonly principal: EntityUid;
  readonly action: EntityUid;
  readonly resource: EntityUid;
  readonly context: CedarValueJson;
  /** The only entities that exist; none has parents, so `in` is equality. */
  readonly entities: readonly EntityJson[];
}

/** A statement's condition: whether it matches, or the Cedar error it raises (the caller denies). */
export type StatementCheck = (request: JsRequest) => boolean | CedarEvalError;

export type CompileResult = { readonly ok: true; readonly check: StatementCheck } | { readonly ok: false; readonly why: string };

/** Outside the supported subset: the statement (and so its tool's whole set) stays on cedar-wasm. */
class NotCompilable extends Error {}

type Fn = (r: JsRequest) => CedarValueJson;
type Node = Readonly<Record<string, unknown>>;

/**
 * Compiles one statement from Cedar's JSON form (EST) into a closure with Cedar's semantics, for the
 * subset listed in docs/policies.md. Anything else (extension functions, arithmetic, tags, slots, node
 * types this code does not know) is refused rather than approximated.
 */
export function compileStatement(text: string): CompileResult {
  const answer = policyToJson(text);
  if (answer.type === 'failure') return { ok: false, why: answer.errors.map((e) => e.message).join('; ') };
  const est = answer.json as unknown as Node;
  try {
    for (const key of Object.keys(est)) {
      if (!['effect', 'principal', 'action', 'resource', 'conditions', 'annotations'].includes(key)) {
        throw new NotCompilable(`unknown policy field ${key}`);
      }
    }
    const scope = [
      principalOrResource(est['principal'], (r) => r.principal),
      actionScope(est['action']),
      principalOrResource(est['resource'], (r) => r.resource),
    ];
    const conditions = list(est['conditions'] ?? []).map((c) => {
      const clause = node(c);
      if (clause['kind'] !== 'when' && clause['kind'] !== 'unless') throw new NotCompilable('unknown condition kind');
      return { when: clause['kind'] === 'when', body: expr(clause['body']) };
    });
    const check: StatementCheck = (r) => {
      try {
        for (const inScope of scope) if (!inScope(r)) return false;
        // Cedar conjoins the conditions in order: `when { b }` as `&& b`, `unless { b }` as `&& !b`.
        for (const c of conditions) if (asBool(c.body(r)) !== c.when) return false;
        return true;
      } catch (err) {
        if (err instanceof CedarEvalError) return err;
        throw err;
      }
    };
    return { ok: true, check };
  } catch (err) {
    if (err instanceof NotCompilable) return { ok: false, why: err.message };
    throw err;
  }
}

type ScopeTest = (r: JsRequest) => boolean;

function principalOrResource(constraint: unknown, of: (r: JsRequest) => EntityUid): ScopeTest {
  const c = node(constraint);
  switch (c['op']) {
    case 'All':
      return () => true;
    case '==':
    case 'in': {
      // No entity has parents, so `in E` holds exactly for E itself.
      const uid = entityUid(c['entity']);
      return (r) => sameEntity(of(r), uid);
    }
    case 'is': {
      const type = str(c['entity_type']);
      if (c['in'] === undefined) return (r) => of(r).type === type;
      const uid = entityUid(node(c['in'])['entity']);
      return (r) => of(r).type === type && sameEntity(of(r), uid);
    }
  }
  throw new NotCompilable(`unsupported scope constraint ${String(c['op'])}`);
}

function actionScope(constraint: unknown): ScopeTest {
  const c = node(constraint);
  if (c['op'] === 'All') return () => true;
  if ((c['op'] === '==' || c['op'] === 'in') && c['entity'] !== undefined) {
    const uid = entityUid(c['entity']);
    return (r) => sameEntity(r.action, uid);
  }
  if (c['op'] === 'in' && c['entities'] !== undefined) {
    const uids = list(c['entities']).map(entityUid);
    return (r) => uids.some((u) => sameEntity(r.action, u));
  }
  throw new NotCompilable('unsupported action constraint');
}

function expr(e: unknown): Fn {
  const n = node(e);
  const keys = Object.keys(n);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined) throw new NotCompilable('malformed expression');
  const body = n[op];
  switch (op) {
    case 'Value': {
      const v = literal(body);
      return () => v;
    }
    case 'Var':
      return variable(body);
    case '!': {
      const arg = expr(node(body)['arg']);
      return (r) => !asBool(arg(r));
    }
    case '==': {
      const [l, rt] = binary(body);
      return (r) => cedarEquals(l(r), rt(r));
    }
    case '!=': {
      const [l, rt] = binary(body);
      return (r) => !cedarEquals(l(r), rt(r));
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(op, body);
    case '&&': {
      const [l, rt] = binary(body);
      return (r) => asBool(l(r)) && asBool(rt(r));
    }
    case '||': {
      const [l, rt] = binary(body);
      return (r) => asBool(l(r)) || asBool(rt(r));
    }
    case 'in': {
      const [l, rt] = binary(body);
      return (r) => isIn(asEntity(l(r)), rt(r));
    }
    case 'contains': {
      const [l, rt] = binary(body);
      return (r) => setHas(asSet(l(r)), rt(r));
    }
    case 'containsAll': {
      const [l, rt] = binary(body);
      return (r) => {
        const set = asSet(l(r));
        return asSet(rt(r)).every((v) => setHas(set, v));
      };
    }
    case 'containsAny': {
      const [l, rt] = binary(body);
      return (r) => {
        const set = asSet(l(r));
        return asSet(rt(r)).some((v) => setHas(set, v));
      };
    }
    case 'isEmpty': {
      const arg = expr(node(body)['arg']);
      return (r) => asSet(arg(r)).length === 0;
    }
    case '.': {
      const b = node(body);
      const left = expr(b['left']);
      const attr = str(b['attr']);
      return (r) => getAttr(r, left(r), attr);
    }
    case 'has':
      return hasAttr(node(body));
    case 'like': {
      const b = node(body);
      const left = expr(b['left']);
      const pattern = likePattern(b['pattern']);
      return (r) => likeMatches(asString(left(r)), pattern);
    }
    case 'is': {
      const b = node(body);
      const left = expr(b['left']);
      const type = str(b['entity_type']);
      const within = b['in'] === undefined ? undefined : expr(b['in']);
      // `e is T in E` is `e is T && e in E`: E is not evaluated when the type differs.
      return (r) => {
        const uid = asEntity(left(r));
        return uid.type === type && (within === undefined || isIn(uid, within(r)));
      };
    }
    case 'if-then-else': {
      const b = node(body);
      const cond = expr(b['if']);
      const then = expr(b['then']);
      const otherwise = expr(b['else']);
      return (r) => (asBool(cond(r)) ? then(r) : otherwise(r));
    }
    case 'Set': {
      const elements = list(body).map(expr);
      return (r) => elements.map((f) => f(r));
    }
    case 'Record': {
      const attrs = Object.entries(node(body)).map(([k, v]) => {
        if (CEDAR_ESCAPE_KEY.test(k)) throw new NotCompilable(`record key ${k} is reserved`);
        return [k, expr(v)] as const;
      });
      return (r) => {
        // A null prototype, so a key such as `__proto__` is an ordinary attribute.
        const out = Object.create(null) as Record<string, CedarValueJson>;
        for (const [k, f] of attrs) out[k] = f(r);
        return out;
      };
    }
  }
  // Arithmetic (`+`, `-`, `*`, `neg`), tags, slots and extension functions (ip, decimal, datetime, …).
  throw new NotCompilable(`unsupported expression ${op}`);
}

function literal(v: unknown): CedarValueJson {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  // The JSON form prints longs beyond 2^53 inexactly; such a literal stays with Cedar.
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 1 && Object.hasOwn(v, '__entity')) {
    return entityValue(entityUid(v));
  }
  throw new NotCompilable('unsupported literal');
}

function variable(name: unknown): Fn {
  switch (name) {
    case 'principal':
      return (r) => entityValue(r.principal);
    case 'action':
      return (r) => entityValue(r.action);
    case 'resource':
      return (r) => entityValue(r.resource);
    case 'context':
      return (r) => r.context;
  }
  throw new NotCompilable(`unknown variable ${String(name)}`);
}

function comparison(op: '<' | '<=' | '>' | '>=', body: unknown): Fn {
  const [l, rt] = binary(body);
  // Both operands must be longs: decimals and ipaddr are type errors here, as in Cedar.
  switch (op) {
    case '<':
      return (r) => asLong(l(r)) < asLong(rt(r));
    case '<=':
      return (r) => asLong(l(r)) <= asLong(rt(r));
    case '>':
      return (r) => asLong(l(r)) > asLong(rt(r));
    case '>=':
      return (r) => asLong(l(r)) >= asLong(rt(r));
  }
}

/** `e in E` / `e in [E…]` without parents: equality, after checking every set element is an entity. */
function isIn(uid: EntityUid, right: CedarValueJson): boolean {
  const kind = kindOf(right);
  if (kind === 'entity') return sameEntity(uid, asEntity(right));
  if (kind !== 'set') throw typeError('set or entity', right);
  const targets = asSet(right).map(asEntity);
  return targets.some((t) => sameEntity(uid, t));
}

function entityAttrs(r: JsRequest, uid: EntityUid): Readonly<Record<string, CedarValueJson>> | undefined {
  for (const e of r.entities) {
    const u = e.uid as { type?: string; id?: string; __entity?: EntityUid };
    const same = u.__entity ? sameEntity(u.__entity, uid) : u.type === uid.type && u.id === uid.id;
    if (same) return e.attrs;
  }
  return undefined;
}

function getAttr(r: JsRequest, v: CedarValueJson, attr: string): CedarValueJson {
  const kind = kindOf(v);
  let attrs: Readonly<Record<string, CedarValueJson>> | undefined;
  if (kind === 'record') attrs = v as Record<string, CedarValueJson>;
  else if (kind === 'entity') {
    const uid = asEntity(v);
    attrs = entityAttrs(r, uid);
    if (attrs === undefined) throw new CedarEvalError(`entity ${uid.type}::"${uid.id}" does not exist`);
  } else throw typeError('record or entity', v);
  if (!Object.hasOwn(attrs, attr)) throw new CedarEvalError(`no attribute ${attr}`);
  return attrs[attr] as CedarValueJson;
}

/** `e has a.b.c` is `e has a && e.a has b && e.a.b has c`, with `e` evaluated once. */
function hasAttr(b: Node): Fn {
  const left = expr(b['left']);
  const path = Array.isArray(b['attr']) ? b['attr'].map(str) : [str(b['attr'])];
  if (path.length === 0) throw new NotCompilable('empty has path');
  return (r) => {
    let v = left(r);
    for (const attr of path) {
      const kind = kindOf(v);
      let attrs: Readonly<Record<string, CedarValueJson>> | undefined;
      if (kind === 'record') attrs = v as Record<string, CedarValueJson>;
      else if (kind === 'entity') attrs = entityAttrs(r, asEntity(v));
      else throw typeError('record or entity', v);
      // A missing entity has no attributes: `has` is false, not an error.
      if (attrs === undefined || !Object.hasOwn(attrs, attr)) return false;
      v = attrs[attr] as CedarValueJson;
    }
    return true;
  };
}

function likePattern(p: unknown): LikePattern {
  const out: (string | typeof WILDCARD)[] = [];
  for (const elem of list(p)) {
    if (elem === 'Wildcard') out.push(WILDCARD);
    else out.push(...Array.from(str(node(elem)['Literal'])));
  }
  return out;
}

function binary(body: unknown): [Fn, Fn] {
  const b = node(body);
  return [expr(b['left']), expr(b['right'])];
}

function entityUid(v: unknown): EntityUid {
  const n = node(v);
  const inner = n['__entity'] === undefined ? n : node(n['__entity']);
  return { type: str(inner['type']), id: str(inner['id']) };
}

function node(v: unknown): Node {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NotCompilable('malformed policy JSON');
  return v as Node;
}

function list(v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw new NotCompilable('malformed policy JSON');
  return v;
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new NotCompilable('malformed policy JSON');
  return v;
}
