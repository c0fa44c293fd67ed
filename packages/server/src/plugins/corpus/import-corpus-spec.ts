import { readFileSync, statSync } from 'node:fs';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/tool.js';
import { importSpecDocument } from '../import-spec-document.js';
import { isRecord } from '../json-value.js';
import { MAX_SPEC_BYTES } from '../load-spec-source.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import { SchemaCompileCheck } from '../schema-compile-check.js';
import type { OperationFailure, ToolDraft } from '../spec-import.js';
import type { DirectorySpec } from './openapi-directory-specs.js';
import type { TargetRuleCheck } from './target-rule-check.js';
import { validatesAsOpenApi } from './validates-as-openapi.js';

/** Confined to one operation, but an exception the importer did not expect: a bug, counted as a crash. */
const INTERNAL_FAILURE = 'internal error while importing';

export interface ToolCheck {
  readonly tool: string;
  readonly hasOutputSchema: boolean;
  /** Ajv 2020's reason when the input schema does not compile. */
  readonly inputProblem?: string;
  readonly outputProblem?: string;
  /** Target → what the target rules found wrong; only targets with problems. */
  readonly targetProblems: Readonly<Record<string, readonly string[]>>;
}

export type SpecOutcome =
  | {
      readonly id: string;
      readonly kind: 'imported';
      readonly validatesAsOpenApi: boolean;
      readonly converted: number;
      readonly failures: readonly OperationFailure[];
      readonly tools: readonly ToolCheck[];
    }
  /** The whole document was refused with SPEC_INVALID, as the gateway would answer an admin. */
  | { readonly id: string; readonly kind: 'refused'; readonly validatesAsOpenApi: boolean; readonly reason: string }
  /** Anything else thrown, or an operation failing with an internal error: a bug. */
  | { readonly id: string; readonly kind: 'crashed'; readonly validatesAsOpenApi: boolean; readonly error: string; readonly stack: string };

function stackHead(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 4).join('\n') : String(err);
}

/**
 * Gives the checker one object per distinct component schema: tools carry their own copies of shared
 * components, and the checker caches compiled components by identity, so without this a large spec would
 * compile every shared component once per tool.
 */
function interned(schema: JsonSchema, pool: Map<string, unknown>): JsonSchema {
  const defs = schema['$defs'];
  if (!isRecord(defs)) return schema;
  const shared = Object.entries(defs).map(([name, def]) => {
    const key = JSON.stringify(def);
    if (!pool.has(key)) pool.set(key, def);
    return [name, pool.get(key)] as const;
  });
  return { ...schema, $defs: Object.fromEntries(shared) };
}

function checkTool(tool: ToolDraft, compiler: SchemaCompileCheck, pool: Map<string, unknown>, targets?: TargetRuleCheck): ToolCheck {
  const inputProblem = compiler.problemWith(interned(tool.inputSchema, pool));
  const outputProblem = tool.outputSchema ? compiler.problemWith(interned(tool.outputSchema, pool)) : undefined;
  const targetProblems: Record<string, readonly string[]> = {};
  for (const target of targets?.targets ?? []) {
    const problems = targets?.problems(target, tool) ?? [];
    if (problems.length > 0) targetProblems[target] = problems;
  }
  return {
    tool: tool.name,
    hasOutputSchema: tool.outputSchema !== undefined,
    ...(inputProblem !== undefined ? { inputProblem } : {}),
    ...(outputProblem !== undefined ? { outputProblem } : {}),
    targetProblems,
  };
}

/**
 * Imports one directory spec the way the gateway imports an uploaded one (size limit, parse, format
 * dispatch), then re-checks every emitted tool: its schemas compile under Ajv 2020, and, when target rules
 * are given, each target accepts it.
 */
export async function importCorpusSpec(spec: DirectorySpec, targets?: TargetRuleCheck): Promise<SpecOutcome> {
  let valid = false;
  try {
    const size = statSync(spec.file).size;
    if (size > MAX_SPEC_BYTES) {
      const message = `The spec file is ${size} bytes; the limit is ${MAX_SPEC_BYTES}.`;
      throw new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
    }
    const doc = parseSpecDocument(readFileSync(spec.file, 'utf8'));
    valid = validatesAsOpenApi(doc);
    const imported = await importSpecDocument(doc, { pluginName: 'corpus' });
    const internal = imported.failures.find((f) => f.reason.startsWith(INTERNAL_FAILURE));
    if (internal !== undefined) {
      return { id: spec.id, kind: 'crashed', validatesAsOpenApi: valid, error: `${internal.operation}: ${internal.reason}`, stack: '' };
    }
    const compiler = new SchemaCompileCheck();
    const pool = new Map<string, unknown>();
    return {
      id: spec.id,
      kind: 'imported',
      validatesAsOpenApi: valid,
      converted: imported.tools.length,
      failures: imported.failures,
      tools: imported.tools.map((tool) => checkTool(tool, compiler, pool, targets)),
    };
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'SPEC_INVALID' && err.message.trim() !== '') {
      return { id: spec.id, kind: 'refused', validatesAsOpenApi: valid, reason: err.message };
    }
    return {
      id: spec.id,
      kind: 'crashed',
      validatesAsOpenApi: valid,
      error: err instanceof Error ? err.message : String(err),
      stack: stackHead(err),
    };
  }
}
