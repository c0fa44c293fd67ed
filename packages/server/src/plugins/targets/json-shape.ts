import { isRecord, listOf } from '../json-value.js';

/**
 * Deepest nesting (objects and arrays, the outermost counting as 1) a definition's schema may have. Far
 * above what any real tool needs, and low enough that every recursive walk over a schema that passed
 * this check stays well inside the call stack.
 */
export const MAX_JSON_DEPTH = 256;

function childrenOf(value: object): readonly unknown[] {
  return listOf(value) ?? (isRecord(value) ? Object.values(value) : []);
}

interface Frame {
  readonly node: object;
  readonly children: readonly unknown[];
  next: number;
  /** Levels of nesting from this node down, over the children measured so far. */
  height: number;
}

/**
 * Why `value` cannot be sent as a schema, or undefined: it contains itself (JSON cannot hold a cycle; only
 * an in-memory object can) or nests deeper than `maxDepth`. Iterative, so a deep value cannot exhaust the
 * stack, and each object is measured once by identity, so one shared many times over stays cheap.
 */
export function jsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tooDeep = `nests deeper than ${maxDepth} levels`;
  const heights = new Map<object, number>();
  const onPath = new Set<object>();
  const stack: Frame[] = [{ node: value, children: childrenOf(value), next: 0, height: 1 }];
  onPath.add(value);
  if (maxDepth < 1) return tooDeep;
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    if (frame.next >= frame.children.length) {
      stack.pop();
      onPath.delete(frame.node);
      heights.set(frame.node, frame.height);
      const parent = stack.at(-1);
      if (parent !== undefined) parent.height = Math.max(parent.height, frame.height + 1);
      continue;
    }
    const child = frame.children[frame.next];
    frame.next += 1;
    if (typeof child !== 'object' || child === null) continue;
    if (onPath.has(child)) return 'contains itself (a cycle, which JSON cannot represent)';
    const known = heights.get(child);
    if (known !== undefined) {
      if (stack.length + known > maxDepth) return tooDeep;
      frame.height = Math.max(frame.height, known + 1);
      continue;
    }
    if (stack.length >= maxDepth) return tooDeep;
    onPath.add(child);
    stack.push({ node: child, children: childrenOf(child), next: 0, height: 1 });
  }
  return undefined;
}
