import type { JsonSchema } from '../core/tool.js';
import { isRecord } from './json-value.js';

/** `#/$defs/Name` → `Name` (decoded); other refs are not followed. */
function defName(ref: string): string | undefined {
  if (!ref.startsWith('#/$defs/')) return undefined;
  const segment = ref.slice('#/$defs/'.length);
  if (segment.includes('/')) return undefined;
  try {
    return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return undefined;
  }
}

/** Refs to `$defs` inside one schema, each with how deeply it is nested (not descending into `$defs`). */
function refsOf(schema: unknown): Map<string, number> {
  const refs = new Map<string, number>();
  const stack: [unknown, number][] = [[schema, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (Array.isArray(node)) {
      for (const child of node) stack.push([child, depth + 1]);
    } else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const name = defName(value);
          if (name !== undefined) refs.set(name, Math.max(refs.get(name) ?? 0, depth));
        } else if (key !== '$defs' || depth > 0) {
          stack.push([value, depth + 1]);
        }
      }
    }
  }
  return refs;
}

/**
 * An upper bound on how deep a recursive schema compiler (Ajv) can nest while compiling this schema:
 * Ajv compiles a `$ref` target in the middle of compiling the schema that refers to it, so its stack grows
 * with the nesting of each ref along a chain of `$defs`. Every chain is a simple path through the ref graph,
 * so the bound is the heaviest path through the graph's strongly connected components (each component
 * counted whole). Linear in the size of the schema.
 */
export function refDepthBound(schema: JsonSchema): number {
  const defs = isRecord(schema['$defs']) ? schema['$defs'] : {};
  const names = Object.keys(defs);
  const edges = new Map<string, Map<string, number>>();
  const weight = new Map<string, number>();
  for (const name of names) {
    const refs = new Map([...refsOf(defs[name])].filter(([target]) => Object.hasOwn(defs, target)));
    edges.set(name, refs);
    weight.set(name, 1 + Math.max(0, ...refs.values()));
  }

  // Tarjan's algorithm, iterative; components come out with everything they reach already out.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const componentOf = new Map<string, number>();
  const heaviest: number[] = [];
  let counter = 0;
  for (const start of names) {
    if (index.has(start)) continue;
    const work: { name: string; targets: string[]; next: number }[] = [];
    const enter = (name: string): void => {
      index.set(name, counter);
      low.set(name, counter);
      counter += 1;
      stack.push(name);
      onStack.add(name);
      work.push({ name, targets: [...(edges.get(name)?.keys() ?? [])], next: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame === undefined) break;
      const target = frame.targets[frame.next];
      if (target !== undefined) {
        frame.next += 1;
        if (!index.has(target)) enter(target);
        else if (onStack.has(target)) low.set(frame.name, Math.min(low.get(frame.name) ?? 0, index.get(target) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.name, Math.min(low.get(parent.name) ?? 0, low.get(frame.name) ?? 0));
      if (low.get(frame.name) !== index.get(frame.name)) continue;
      const id = heaviest.length;
      const members: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        componentOf.set(member, id);
        members.push(member);
        if (member === frame.name) break;
      }
      let beyond = 0;
      for (const member of members) {
        for (const target of edges.get(member)?.keys() ?? []) {
          const other = componentOf.get(target);
          if (other !== undefined && other !== id) beyond = Math.max(beyond, heaviest[other] ?? 0);
        }
      }
      heaviest.push(members.reduce((sum, member) => sum + (weight.get(member) ?? 1), 0) + beyond);
    }
  }

  const { $defs: _defs, ...own } = schema;
  let bound = 0;
  for (const [target, depth] of refsOf(own)) {
    const component = componentOf.get(target);
    if (component !== undefined) bound = Math.max(bound, depth + (heaviest[component] ?? 0));
  }
  return bound;
}
