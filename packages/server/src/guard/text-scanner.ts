import { redacted, type ScanPattern } from './scan-pattern.js';

/** Counts of redactions by kind, filled in as strings are scanned. */
export type RedactionCounts = Map<string, number>;

/** Redacts every match in one string, counting what it replaced. */
export interface TextScanner {
  /** No string shorter than this can hold a match. */
  readonly minLength: number;
  scan(text: string, counts: RedactionCounts): string;
}

export function countRedaction(counts: RedactionCounts, kind: string): void {
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
}

/** One joined expression over some patterns, with the replacement callback built once. */
interface Pass {
  readonly requires: string | undefined;
  readonly minLength: number;
  run(text: string, counts: RedactionCounts): string;
}

/**
 * Joins the patterns into as few expressions as possible (one per `requires` text, for patterns that
 * always redact and for checked ones), so a string is read a few times whatever the number of kinds.
 * Within an expression the earlier pattern wins at a position; the passes run in the order their first
 * pattern appears, checked patterns last, so more specific patterns (secrets) come first.
 */
export function textScanner(patterns: readonly ScanPattern[]): TextScanner {
  const groups = new Map<string, { requires: string | undefined; members: ScanPattern[] }>();
  // Patterns that never decline first; checked ones after (see ScanPattern.checked).
  for (const p of [...patterns.filter((q) => q.checked !== true), ...patterns.filter((q) => q.checked === true)]) {
    const key = `${p.checked === true ? 'checked' : 'plain'}|${p.requires ?? ''}`;
    const group = groups.get(key) ?? { requires: p.requires, members: [] };
    group.members.push(p);
    groups.set(key, group);
  }
  const passes = [...groups.values()].map(({ requires, members }) => joinedPass(members, requires));
  const minLength = Math.min(Infinity, ...passes.map((p) => p.minLength));
  return {
    minLength,
    scan(text, counts) {
      if (text.length < minLength) return text;
      let out = text;
      for (const pass of passes) {
        if (out.length < pass.minLength || (pass.requires !== undefined && !out.includes(pass.requires))) continue;
        out = pass.run(out, counts);
      }
      return out;
    },
  };
}

/** A named group in a pattern's source; `(?<!` and `(?<=` (lookbehinds) do not match. */
const NAMED_GROUP = /\(\?<([A-Za-z]\w*)>/g;

function joinedPass(patterns: readonly ScanPattern[], requires: string | undefined): Pass {
  // Named groups make V8 build a groups object for every match, which costs most when a checksum turns
  // many candidates down; so groups are numbered here, and a pattern's own names are rebuilt only on a match.
  const layout: { pattern: ScanPattern; at: number; names: string[] }[] = [];
  let at = 0;
  for (const pattern of patterns) {
    const names = [...pattern.source.matchAll(NAMED_GROUP)].map((m) => m[1] ?? '');
    layout.push({ pattern, at, names });
    at += 1 + names.length;
  }
  const re = new RegExp(patterns.map((p) => `(${p.source.replace(NAMED_GROUP, '(')})`).join('|'), 'g');
  // Set for the duration of one synchronous `replace`, so the callback is created once, not per string.
  let current: RedactionCounts = new Map();
  const replacer = (match: string, ...captures: unknown[]): string => {
    const hit = layout.find((l) => captures[l.at] !== undefined);
    if (hit === undefined) return match;
    const { pattern, names } = hit;
    let replacement: string | undefined;
    if (pattern.redact) {
      const groups: Record<string, string | undefined> = {};
      names.forEach((name, i) => (groups[name] = captures[hit.at + 1 + i] as string | undefined));
      replacement = pattern.redact(match, groups);
    } else {
      replacement = redacted(pattern.kind);
    }
    if (replacement === undefined) return match;
    countRedaction(current, pattern.kind);
    return replacement;
  };
  return {
    requires,
    minLength: Math.min(...patterns.map((p) => p.minLength)),
    run(text, counts) {
      current = counts;
      return text.replace(re, replacer);
    },
  };
}
