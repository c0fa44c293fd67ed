import { createHash } from 'node:crypto';

/** How a target spells tool names; the renderer fits names to it, the checker has its own copy of the rule. */
export interface NameRule {
  /** One character the target accepts; any other character becomes `_`. */
  readonly allowedChar: RegExp;
  /** What the first character must be; when it is not, `_` is put in front. */
  readonly firstChar?: RegExp;
  /** The target's own limit; the caller's `maxNameLength` may lower it. */
  readonly maxLength: number;
}

const HASH_CHARS = 6;
/** Room for at least one character of the name, `_` and the hash. */
export const MIN_NAME_LENGTH = HASH_CHARS + 2;

function hashOf(name: string, chars: number): string {
  return createHash('sha256').update(name).digest('hex').slice(0, chars);
}

function withHash(candidate: string, ourName: string, maxLength: number, chars: number): string {
  const head = candidate.slice(0, maxLength - chars - 1).replace(/_+$/, '');
  return `${head}_${hashOf(ourName, chars)}`;
}

/** The name with foreign characters replaced; cut with a hash of our name when too long. */
function fitted(name: string, rule: NameRule, maxLength: number): string {
  let out = [...name].map((c) => (rule.allowedChar.test(c) ? c : '_')).join('');
  if (rule.firstChar !== undefined && !rule.firstChar.test(out.charAt(0))) out = `_${out}`;
  return out.length <= maxLength ? out : withHash(out, name, maxLength, HASH_CHARS);
}

/**
 * Target names for our tool names: deterministic, unique, and a function of the set of names only, not
 * their order (a listing and the call that follows it may be rendered from differently ordered lists).
 * Names that already fit stay as they are, so they never change when other tools come and go; a fitted
 * name that collides with another gets a short hash of our (unique) name, lengthened in the unlikely
 * case that the hashes collide too.
 */
export function assignTargetNames(ourNames: readonly string[], rule: NameRule, maxNameLength: number): Map<string, string> {
  const maxLength = Math.min(rule.maxLength, maxNameLength);
  if (maxLength < MIN_NAME_LENGTH) throw new RangeError(`maxNameLength must be at least ${MIN_NAME_LENGTH}`);
  const unique = [...new Set(ourNames)].sort();
  const result = new Map<string, string>();
  const taken = new Set<string>();
  const changed: [string, string][] = [];
  for (const name of unique) {
    const candidate = fitted(name, rule, maxLength);
    if (candidate === name) {
      result.set(name, name);
      taken.add(name);
    } else {
      changed.push([name, candidate]);
    }
  }
  const claims = new Map<string, number>();
  for (const [, candidate] of changed) claims.set(candidate, (claims.get(candidate) ?? 0) + 1);
  for (const [name, candidate] of changed) {
    let target = candidate;
    if (taken.has(target) || (claims.get(target) ?? 0) > 1) {
      for (let chars = HASH_CHARS; chars === HASH_CHARS || taken.has(target); chars += 2) {
        target = withHash(candidate, name, maxLength, Math.min(chars, maxLength - 2));
        if (chars > 64) throw new Error(`cannot find a unique target name for "${name}"`);
      }
    }
    result.set(name, target);
    taken.add(target);
  }
  return result;
}
