import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PaginatedResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpConnection } from '../../core/plugin.js';
import { TOOL_NAME_PATTERN } from '../tool-naming.js';
import { toolDefinitionHash } from '../tool-definition-hash.js';
import { importMcpTools, type McpServerInfo } from './import-mcp-tools.js';

const MODULES = fileURLToPath(new URL('../../../../../node_modules/@modelcontextprotocol/', import.meta.url));
const object = { type: 'object', properties: {} };

/** Lists a real reference server's tools with the SDK client, as the connector does (lenient pages). */
async function listReferenceServer(args: string[]): Promise<{ tools: unknown[]; server: McpServerInfo }> {
  const client = new Client({ name: 'toolgate-test', version: '0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' }));
  try {
    const page = await client.request({ method: 'tools/list' }, PaginatedResultSchema);
    const info = client.getServerVersion();
    const instructions = client.getInstructions();
    return {
      tools: page['tools'] as unknown[],
      server: { name: info?.name, version: info?.version, title: info?.title, ...(instructions === undefined ? {} : { instructions }) },
    };
  } finally {
    await client.close();
  }
}

describe('importing real reference servers', () => {
  let tempDir: string;
  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'toolgate-mcp-import-'));
  });
  afterAll(async () => {
    await rm(tempDir, { recursive: true, force: true });
  });

  it('imports server-everything: names, bindings, hashes, instructions; read-only claims are not trusted', async () => {
    const { tools, server } = await listReferenceServer([`${MODULES}server-everything/dist/index.js`, 'stdio']);
    const connection: McpConnection = { transport: 'stdio', command: process.execPath, args: [], env: {} };
    const imported = importMcpTools({ pluginName: 'everything', tools, server, connection });
    // The one task-only tool cannot be called with plain tools/call; everything else imports.
    expect(imported.failures).toEqual([{ operation: 'simulate-research-query', reason: expect.stringMatching(/MCP task/) }]);
    expect(imported.tools).toHaveLength(tools.length - 1);
    expect(imported.title).toBe('Everything Reference Server');
    expect(imported.instructions?.length).toBeGreaterThan(0);
    expect(imported.baseUrl).toBe(`stdio:${process.execPath}`);
    const echo = imported.tools.find((tool) => tool.sourceName === 'echo');
    expect(echo).toMatchObject({
      name: 'everything__echo',
      pluginName: 'everything',
      binding: { kind: 'mcp', toolName: 'echo' },
      riskTier: 'write',
    });
    const getEnv = imported.tools.find((tool) => tool.sourceName === 'get-env');
    expect(getEnv).toMatchObject({ name: 'everything__get_env', riskTier: 'write', annotations: { readOnlyHint: true } });
    expect(imported.warnings).toContainEqual({ operation: 'get-env', message: expect.stringMatching(/claims this tool is read-only/) });
    for (const tool of imported.tools) expect(tool.name).toMatch(TOOL_NAME_PATTERN);
    // Some tool declares an output schema, and it is kept.
    expect(imported.tools.some((tool) => tool.outputSchema !== undefined)).toBe(true);
  });

  it('imports server-filesystem: explicit destructive hints raise the tier', async () => {
    const { tools, server } = await listReferenceServer([`${MODULES}server-filesystem/dist/index.js`, tempDir]);
    const imported = importMcpTools({ pluginName: 'files', tools, server });
    const tier = (source: string) => imported.tools.find((tool) => tool.sourceName === source)?.riskTier;
    expect(tier('write_file')).toBe('destructive');
    expect(tier('edit_file')).toBe('destructive');
    expect(tier('read_text_file')).toBe('write');
    expect(imported.baseUrl).toBeUndefined();
  });
});

describe('risk tiers from annotations', () => {
  it.each([
    { annotations: undefined, tier: 'write', warned: false },
    { annotations: {}, tier: 'write', warned: false },
    { annotations: { destructiveHint: true }, tier: 'destructive', warned: false },
    { annotations: { destructiveHint: true, readOnlyHint: false }, tier: 'destructive', warned: false },
    { annotations: { destructiveHint: false }, tier: 'write', warned: false },
    { annotations: { readOnlyHint: true }, tier: 'write', warned: true },
    { annotations: { readOnlyHint: true, destructiveHint: false }, tier: 'write', warned: true },
    { annotations: { readOnlyHint: true, destructiveHint: true }, tier: 'write', warned: true },
    { annotations: { destructiveHint: 'true' }, tier: 'write', warned: false },
  ])('$annotations → $tier', ({ annotations, tier, warned }) => {
    const imported = importMcpTools({ pluginName: 'p', tools: [{ name: 't', description: 'd', inputSchema: object, annotations }] });
    expect(imported.tools[0]?.riskTier).toBe(tier);
    expect(imported.tools[0]?.annotations).toEqual(annotations);
    expect(imported.warnings.length > 0).toBe(warned);
  });
});

describe('malformed tools', () => {
  it('fails only the tools whose definition or input schema is unusable, with the reason', () => {
    const imported = importMcpTools({
      pluginName: 'p',
      tools: [
        { name: 'good', description: 'fine', inputSchema: object },
        { name: 'no_schema', description: 'x' },
        { name: 'string_schema', description: 'x', inputSchema: { type: 'string' } },
        { name: 'array_schema', description: 'x', inputSchema: [object] },
        { name: 'broken_schema', description: 'x', inputSchema: { type: 'object', properties: { a: { type: 'nonsense' } } } },
        { name: 'task_only', description: 'x', inputSchema: object, execution: { taskSupport: 'required' } },
        { name: 'good', description: 'again', inputSchema: object },
        { description: 'nameless', inputSchema: object },
        'not even an object',
      ],
    });
    expect(imported.tools.map((tool) => tool.sourceName)).toEqual(['good']);
    expect(imported.failures).toEqual([
      { operation: 'good', reason: expect.stringMatching(/more than once/) },
      { operation: '#7', reason: expect.stringMatching(/no name/) },
      { operation: '#8', reason: expect.stringMatching(/no name/) },
      { operation: 'array_schema', reason: 'the input schema is not a JSON object' },
      { operation: 'broken_schema', reason: expect.stringMatching(/does not compile/) },
      { operation: 'no_schema', reason: 'the tool has no input schema' },
      { operation: 'string_schema', reason: 'the input schema must have "type": "object", not "string"' },
      { operation: 'task_only', reason: expect.stringMatching(/MCP task/) },
    ]);
  });

  it('removes a declaration of an older JSON Schema draft, which the 2020-12 validator cannot compile', () => {
    const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'string' } } };
    const imported = importMcpTools({ pluginName: 'p', tools: [{ name: 't', description: 'd', inputSchema: draft07 }] });
    expect(imported.failures).toEqual([]);
    expect(imported.tools[0]?.inputSchema).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
    expect(imported.warnings).toEqual([{ operation: 't', message: expect.stringMatching(/declares http:\/\/json-schema.org\/draft-07/) }]);
  });

  it('drops an unusable output schema with a warning and keeps a good one', () => {
    const imported = importMcpTools({
      pluginName: 'p',
      tools: [
        { name: 'bad_out', description: 'd', inputSchema: object, outputSchema: { type: 'array' } },
        {
          name: 'good_out',
          description: 'd',
          inputSchema: object,
          outputSchema: { type: 'object', properties: { n: { type: 'number' } } },
        },
      ],
    });
    expect(imported.tools.find((tool) => tool.sourceName === 'bad_out')?.outputSchema).toBeUndefined();
    expect(imported.tools.find((tool) => tool.sourceName === 'good_out')?.outputSchema).toEqual({
      type: 'object',
      properties: { n: { type: 'number' } },
    });
    expect(imported.warnings).toContainEqual({ operation: 'bad_out', message: expect.stringMatching(/no output schema/) });
  });
});

describe('names and hashes', () => {
  const colliding = ['get_user', 'getUser', 'get-user'].map((name) => ({ name, description: name, inputSchema: object }));

  it('gives colliding names distinct model names that do not depend on the listing order', () => {
    const forward = importMcpTools({ pluginName: 'crm', tools: colliding });
    const backward = importMcpTools({ pluginName: 'crm', tools: [...colliding].reverse() });
    const namesOf = (imported: typeof forward) => Object.fromEntries(imported.tools.map((tool) => [tool.sourceName, tool.name]));
    expect(namesOf(forward)).toEqual(namesOf(backward));
    expect(new Set(Object.values(namesOf(forward))).size).toBe(3);
    // The first in sorted upstream-name order keeps the plain name.
    expect(namesOf(forward)['get-user']).toBe('crm__get_user');
    expect(forward.warnings.filter((w) => /already has the name/.test(w.message))).toHaveLength(2);
    // Tools keep the server's order.
    expect(forward.tools.map((tool) => tool.sourceName)).toEqual(['get_user', 'getUser', 'get-user']);
  });

  it('hashes the model-visible definition, annotations included', () => {
    const tool = { name: 't', title: 'T', description: 'd', inputSchema: object, annotations: { destructiveHint: true } };
    const [draft] = importMcpTools({ pluginName: 'p', tools: [tool] }).tools;
    expect(draft?.title).toBe('T');
    expect(draft?.definitionHash).toBe(
      toolDefinitionHash({ name: 'p__t', description: 'd', inputSchema: object, annotations: { destructiveHint: true } }),
    );
    const [changed] = importMcpTools({ pluginName: 'p', tools: [{ ...tool, annotations: { destructiveHint: false } }] }).tools;
    expect(changed?.definitionHash).not.toBe(draft?.definitionHash);
  });

  it('describes the plugin from the server info, and takes the URL of an HTTP connection as base URL', () => {
    const imported = importMcpTools({
      pluginName: 'p',
      tools: [],
      server: { name: 'acme-server', version: '2.1.0' },
      connection: { transport: 'streamable-http', url: 'https://mcp.example.com/mcp' },
    });
    expect(imported).toMatchObject({
      title: 'acme-server',
      description: 'MCP server acme-server 2.1.0',
      baseUrl: 'https://mcp.example.com/mcp',
    });
    expect(imported.instructions).toBeUndefined();
  });
});
