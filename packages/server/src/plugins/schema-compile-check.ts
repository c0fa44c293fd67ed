import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../core/tool.js';
import { isRecord } from './json-value.js';
import { refDepthBound } from './ref-depth-bound.js';

/**
 * Below this `refDepthBound`, no chain of refs can overflow Ajv's recursive compiler, so pieces can be
 * checked one by one; measured, the smallest bound that overflowed was ~780 (`ref-depth-bound.test.ts`).
 * Above it, the whole schema is compiled, which is exact but costs a compile of every def per tool.
 */
export const PIECEWISE_MAX_REF_DEPTH = 250;

/**
 * Checks that tool schemas compile with the settings the gateway validates with (Ajv 2020, strict off,
 * ajv-formats), so an importer never hands out a schema that fails at call time.
 *
 * Compiling every tool whole would compile the shared component schemas again for each tool, which is
 * quadratic on large specs. Instead the tool's own part is compiled with its `$defs` stubbed out, and each
 * component once (cached by identity: the converter hands out the same object to every tool). Ajv's
 * compile errors are local (keyword values, patterns, unresolved refs), so the pieces compiling means the
 * whole does, except for stack depth, which `refDepthBound` rules out. One Ajv per import; compiled
 * validators are dropped at once to keep memory flat.
 */
export class SchemaCompileCheck {
  private ajv: Ajv2020 | undefined;
  private readonly defProblems = new WeakMap<object, string | undefined>();

  /** undefined when the schema compiles, else Ajv's reason. */
  problemWith(schema: JsonSchema): string | undefined {
    const defs = isRecord(schema['$defs']) ? schema['$defs'] : undefined;
    if (defs === undefined || refDepthBound(schema) > PIECEWISE_MAX_REF_DEPTH) return this.compile(schema);
    const stubs = Object.fromEntries(Object.keys(defs).map((name) => [name, true]));
    const own = this.compile({ ...schema, $defs: stubs });
    if (own !== undefined) return own;
    for (const [name, def] of Object.entries(defs)) {
      if (!isRecord(def)) continue;
      if (!this.defProblems.has(def)) {
        const nested = isRecord(def['$defs']) ? def['$defs'] : {};
        this.defProblems.set(def, this.compile({ ...def, $defs: { ...nested, ...stubs } }));
      }
      const problem = this.defProblems.get(def);
      if (problem !== undefined) return `in $defs/${name}: ${problem}`;
    }
    return undefined;
  }

  private compile(schema: JsonSchema): string | undefined {
    if (this.ajv === undefined) {
      this.ajv = new Ajv2020({ strict: false, logger: false });
      addFormats.default(this.ajv);
    }
    try {
      this.ajv.compile(schema);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    } finally {
      this.ajv.removeSchema(schema);
    }
  }
}
