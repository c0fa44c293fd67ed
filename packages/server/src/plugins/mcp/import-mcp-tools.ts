import type { McpConnection } from '../../core/plugin.js';
import type { JsonSchema } from '../../core/tool.js';
import { isRecord } from '../json-value.js';
import { SchemaCompileCheck } from '../schema-compile-check.js';
import { ImportProblem, type ImportWarning, type OperationFailure, type SpecImport, type ToolDraft } from '../spec-import.js';
import { toolDefinitionHash } from '../tool-definition-hash.js';
import { ToolNameRegistry } from '../tool-naming.js';
import { riskTierForMcpTool } from './mcp-risk-tier.js';

// `$schema` URIs of drafts before 2020-12 (draft-04, -06, -07 and 2019-09), with or without https and `#`.
const OLDER_DRAFTS = /^https?:\/\/json-schema\.org\/(draft-0[467]\/schema|draft\/2019-09\/schema)#?$/;
// The MCP spec's rule for tool names; others are still callable, but worth a word to the admin.
const MCP_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** What the server said about itself at initialization (`McpUpstream.describeServer()` has this shape). */
export interface McpServerInfo {
  readonly name?: string;
  readonly version?: string;
  readonly title?: string;
  readonly description?: string;
  readonly instructions?: string;
}

export interface McpImportInput {
  /** The plugin's name: the prefix of its tools' model-visible names. */
  readonly pluginName: string;
  /** The tool definitions exactly as the server listed them (`McpUpstream.listTools()`), unvalidated. */
  readonly tools: readonly unknown[];
  readonly server?: McpServerInfo;
  /** Gives the import its `baseUrl`: the server URL, or `stdio:<command>`. */
  readonly connection?: McpConnection;
}

/** `SpecImport`, plus the server's instructions for models. */
export interface McpImport extends SpecImport {
  /** The server's `instructions`: untrusted text from the plugin's author, to lint and store as `Plugin.instructions`. */
  readonly instructions?: string;
}

/**
 * Maps an MCP server's tool list to tool drafts. Each tool is checked on its own: one whose input schema
 * is missing, not an object schema or does not compile is a failure (named by its upstream name, or `#index`
 * when it has none) and the rest still import. Names are `<plugin>__<snake_case(upstream name)>`, claimed in
 * sorted upstream-name order so the result does not depend on the order the server lists tools in; the
 * binding keeps the upstream name for `tools/call`. Risk tiers: see `riskTierForMcpTool`.
 */
export function importMcpTools(input: McpImportInput): McpImport {
  const warnings: ImportWarning[] = [];
  const failures: OperationFailure[] = [];
  const named: { name: string; definition: Record<string, unknown> }[] = [];
  const seen = new Set<string>();
  input.tools.forEach((definition, index) => {
    const name = isRecord(definition) ? definition['name'] : undefined;
    if (!isRecord(definition) || typeof name !== 'string' || name === '') {
      failures.push({ operation: `#${index}`, reason: 'not a tool definition: it has no name' });
    } else if (seen.has(name)) {
      failures.push({ operation: name, reason: 'the server lists this name more than once; only the first is imported' });
    } else {
      seen.add(name);
      named.push({ name, definition });
    }
  });

  const names = new ToolNameRegistry(input.pluginName);
  const compiler = new SchemaCompileCheck();
  const byName = new Map<string, ToolDraft>();
  for (const { name, definition } of [...named].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const warn = (message: string): void => void warnings.push({ operation: name, message });
    try {
      byName.set(name, toolDraft(name, definition, { pluginName: input.pluginName, names, compiler, warn }));
    } catch (err) {
      if (!(err instanceof ImportProblem)) throw err;
      failures.push({ operation: name, reason: err.message });
    }
  }
  const tools = named.flatMap(({ name }) => byName.get(name) ?? []);

  const server = input.server ?? {};
  return {
    title: server.title ?? server.name ?? input.pluginName,
    description: server.description ?? describeServer(server),
    baseUrl: baseUrlOf(input.connection),
    tools,
    warnings,
    failures,
    // MCP servers authenticate at the transport (OAuth on HTTP, env for stdio), not per tool.
    credentialRequirements: [],
    security: { global: [], operations: {} },
    ...(server.instructions === undefined ? {} : { instructions: server.instructions }),
  };
}

interface DraftContext {
  readonly pluginName: string;
  readonly names: ToolNameRegistry;
  readonly compiler: SchemaCompileCheck;
  readonly warn: (message: string) => void;
}

function toolDraft(sourceName: string, definition: Record<string, unknown>, ctx: DraftContext): ToolDraft {
  if (!MCP_TOOL_NAME.test(sourceName))
    ctx.warn('the name breaks the MCP rule (1–128 of A–Z a–z 0–9 _ . -); it is imported, renamed for models');
  const execution = definition['execution'];
  if (isRecord(execution) && execution['taskSupport'] === 'required') {
    throw new ImportProblem('the tool can only run as an MCP task (execution.taskSupport "required"), which Toolgate does not support');
  }
  const inputSchema = objectSchema(definition['inputSchema'], 'input', ctx.warn);
  const inputProblem = ctx.compiler.problemWith(inputSchema);
  if (inputProblem !== undefined) throw new ImportProblem(`the input schema does not compile: ${inputProblem}`);
  const outputSchema = optionalOutputSchema(definition['outputSchema'], ctx);

  const rawAnnotations = definition['annotations'];
  if (rawAnnotations !== undefined && !isRecord(rawAnnotations)) ctx.warn('"annotations" is not an object; it was left out');
  const annotations = isRecord(rawAnnotations) ? structuredClone(rawAnnotations) : undefined;
  const risk = riskTierForMcpTool(annotations);
  if (risk.warning !== undefined) ctx.warn(risk.warning);

  const rawDescription = definition['description'];
  if (typeof rawDescription !== 'string' || rawDescription.trim() === '') ctx.warn('the tool has no description, so models see none');
  const description = typeof rawDescription === 'string' ? rawDescription : '';
  const title = typeof definition['title'] === 'string' ? definition['title'] : annotations?.['title'];

  const { name, collided } = ctx.names.claim(sourceName, sourceName);
  if (collided) ctx.warn(`another tool already has the name for "${sourceName}"; this one is "${name}"`);
  const modelDefinition = {
    name,
    description,
    inputSchema,
    ...(outputSchema === undefined ? {} : { outputSchema }),
    ...(annotations === undefined ? {} : { annotations }),
  };
  return {
    ...modelDefinition,
    pluginName: ctx.pluginName,
    sourceName,
    ...(typeof title === 'string' ? { title } : {}),
    riskTier: risk.tier,
    binding: { kind: 'mcp', toolName: sourceName },
    definitionHash: toolDefinitionHash(modelDefinition),
  };
}

/**
 * A copy of `schema` if it is an object schema (`type: "object"`, as MCP requires); else ImportProblem.
 * A root `$schema` naming an older draft is removed (with a warning): servers built on the SDK declare
 * draft-07 by habit, but the gateway validates with 2020-12, which reads the keywords such schemas use
 * alike and cannot compile a schema that names another draft.
 */
function objectSchema(schema: unknown, which: 'input' | 'output', warn: (message: string) => void): JsonSchema {
  if (schema === undefined) throw new ImportProblem(`the tool has no ${which} schema`);
  if (!isRecord(schema)) throw new ImportProblem(`the ${which} schema is not a JSON object`);
  if (schema['type'] !== 'object') {
    throw new ImportProblem(`the ${which} schema must have "type": "object", not ${JSON.stringify(schema['type']) ?? 'none'}`);
  }
  // Copied so tools never share objects with each other or with the server's answer.
  const copy = structuredClone(schema);
  const declared = copy['$schema'];
  if (typeof declared === 'string' && OLDER_DRAFTS.test(declared)) {
    delete copy['$schema'];
    warn(`the ${which} schema declares ${declared}; it is validated as JSON Schema 2020-12, so the declaration was removed`);
  }
  return copy;
}

/** An output schema that is not a compiling object schema is dropped with a warning, as for OpenAPI responses. */
function optionalOutputSchema(schema: unknown, ctx: DraftContext): JsonSchema | undefined {
  if (schema === undefined) return undefined;
  try {
    const checked = objectSchema(schema, 'output', ctx.warn);
    const problem = ctx.compiler.problemWith(checked);
    if (problem !== undefined) throw new ImportProblem(`the output schema does not compile: ${problem}`);
    return checked;
  } catch (err) {
    if (!(err instanceof ImportProblem)) throw err;
    ctx.warn(`no output schema: ${err.message}`);
    return undefined;
  }
}

function describeServer(server: McpServerInfo): string {
  if (server.name === undefined) return 'MCP server';
  return `MCP server ${server.name}${server.version === undefined ? '' : ` ${server.version}`}`;
}

function baseUrlOf(connection: McpConnection | undefined): string | undefined {
  if (connection === undefined) return undefined;
  return connection.transport === 'stdio' ? `stdio:${connection.command}` : connection.url;
}
