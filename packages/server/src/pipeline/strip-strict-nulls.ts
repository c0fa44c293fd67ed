import type { JsonSchema } from '../core/tool.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** The target of a local `$ref` (`#`, `#/$defs/X`, any `#/…` pointer); undefined for anything else. */
function resolveRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of fragment.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) node = (node as unknown[])[Number(key)];
    else if (isRecord(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

/**
 * The schemas that may apply to one value: the schema itself plus what its `$ref`, `allOf`, `anyOf` and
 * `oneOf` lead to. Branches of a union are included too, since we cannot know which one the model meant.
 */
function applicable(root: JsonSchema, schema: unknown, seen = new Set<unknown>()): Json[] {
  if (!isRecord(schema) || seen.has(schema)) return [];
  seen.add(schema);
  const out: Json[] = [schema];
  if (typeof schema['$ref'] === 'string') out.push(...applicable(root, resolveRef(root, schema['$ref']), seen));
  for (const key of ['allOf', 'anyOf', 'oneOf']) for (const sub of list(schema[key])) out.push(...applicable(root, sub, seen));
  return out;
}

/**
 * Whether the schema lets `null` through. When unsure (`not`, conditionals, unresolvable refs) the answer
 * is yes: keeping a null only means validation decides, removing one would change what the caller meant.
 */
function acceptsNull(root: JsonSchema, schema: unknown, seen = new Set<unknown>()): boolean {
  if (schema === true) return true;
  if (!isRecord(schema)) return false;
  // A schema that leads back to itself decides nothing about null on this path.
  if (seen.has(schema)) return true;
  seen.add(schema);
  try {
    return ownAcceptsNull(root, schema, seen);
  } finally {
    seen.delete(schema);
  }
}

function ownAcceptsNull(root: JsonSchema, schema: Json, seen: Set<unknown>): boolean {
  const type = schema['type'];
  if (typeof type === 'string' && type !== 'null') return false;
  if (Array.isArray(type) && !type.includes('null')) return false;
  if (Object.hasOwn(schema, 'const') && schema['const'] !== null) return false;
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(null)) return false;
  if (typeof schema['$ref'] === 'string') {
    const target = resolveRef(root, schema['$ref']);
    if (target !== undefined && !acceptsNull(root, target, seen)) return false;
  }
  if (!list(schema['allOf']).every((sub) => acceptsNull(root, sub, seen))) return false;
  for (const key of ['anyOf', 'oneOf']) {
    const branches = list(schema[key]);
    if (branches.length > 0 && !branches.some((sub) => acceptsNull(root, sub, seen))) return false;
  }
  return true;
}

function strip(root: JsonSchema, value: unknown, schemas: readonly unknown[]): unknown {
  const views = schemas.flatMap((schema) => applicable(root, schema));
  if (Array.isArray(value)) {
    return (value as unknown[]).map((item, index) =>
      strip(
        root,
        item,
        views.flatMap((view) => [list(view['prefixItems'])[index] ?? view['items']]),
      ),
    );
  }
  if (!isRecord(value)) return value;
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const declared = views.flatMap((view) =>
      isRecord(view['properties']) && Object.hasOwn(view['properties'], key) ? [view['properties'][key]] : [],
    );
    const required = views.some((view) => list(view['required']).includes(key));
    const droppable = item === null && declared.length > 0 && !required && !declared.some((schema) => acceptsNull(root, schema));
    if (!droppable) entries.push([key, strip(root, item, declared)]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays data and never becomes a prototype.
  return Object.fromEntries(entries);
}

/**
 * A model given an OpenAI strict-mode definition must send every property, and sends `null` for the
 * optional ones it means to leave out. This returns a copy of `args` with those nulls removed, judged by
 * our original `inputSchema`: a null goes only where the property is optional there and its schema does
 * not accept null. Required nulls stay so validation rejects them with a clear message. Walks nested
 * objects, arrays and local `$ref`s.
 */
export function stripStrictNulls(inputSchema: JsonSchema, args: unknown): unknown {
  // This runs on every call; most arguments hold no null at all, and then there is nothing to resolve.
  return containsNull(args) ? strip(inputSchema, args, [inputSchema]) : args;
}

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(containsNull);
  return typeof value === 'object' && Object.values(value).some(containsNull);
}
