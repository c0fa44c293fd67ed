import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import type { JsonSchema } from '../../core/tool.js';
import { httpToolNamed } from '../http-tool-named.js';
import { importSpecDocument } from '../import-spec-document.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import { TOOL_NAME_PATTERN } from '../tool-naming.js';
import { importOpenApi, MAX_OUTPUT_SCHEMA_CHARS } from './import-openapi.js';

const text = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const fixture = (name: string): Record<string, unknown> => parseSpecDocument(text(name));

function validatorFor(schema: JsonSchema): (data: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, logger: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (data) => validate(data);
}

function specInvalidMessage(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'SPEC_INVALID') return err.message;
    throw err;
  }
  throw new Error('expected SPEC_INVALID');
}

describe('messy real-world specs import, with warnings for what was repaired', () => {
  it('OpenAI quickstart style: required: true inside properties, and a server URL without a scheme', () => {
    const result = importOpenApi(fixture('quickstart-todo.yaml'), { pluginName: 'todo' });
    expect(result.failures).toEqual([]);
    expect(result.baseUrl).toBe('http://localhost:5003');
    expect(result.warnings.map((w) => w.message)).toEqual([
      'The server URL "localhost:5003/" has no scheme; using "http://localhost:5003/" (http only for loopback hosts).',
      expect.stringContaining('property "todo" says "required: true"; it was moved to the object\'s "required" list') as unknown,
      expect.stringContaining('property "todo_idx" says "required: true"') as unknown,
    ]);
    const addTodo = httpToolNamed(result, 'todo__add_todo');
    expect(addTodo.inputSchema['$defs']).toEqual({
      addTodoRequest: {
        type: 'object',
        properties: { todo: { type: 'string', description: 'The todo to add to the list.' } },
        required: ['todo'],
      },
    });
    const validate = validatorFor(addTodo.inputSchema);
    expect(validate({ username: 'ada', body: { todo: 'write tests' } })).toBe(true);
    expect(validate({ username: 'ada', body: {} })).toBe(false);
  });

  it('a scheme-less public host gets https, never http', () => {
    const doc = { ...fixture('quickstart-todo.yaml'), servers: [{ url: 'api.todo.example.com/v1' }] };
    const result = importOpenApi(doc, { pluginName: 'todo' });
    expect(result.baseUrl).toBe('https://api.todo.example.com/v1');
    expect(result.warnings[0]?.message).toContain('has no scheme; using "https://api.todo.example.com/v1"');
  });

  it('no servers, no operationId, and operationIds that are not portable names', () => {
    const result = importOpenApi(fixture('no-servers-no-operation-ids.yaml'), { pluginName: 'weather' });
    expect(result.baseUrl).toBeUndefined();
    expect(result.failures).toEqual([]);
    expect(result.tools.map((t) => [t.name, t.sourceName])).toEqual([
      ['weather__get_forecast_by_city', 'get_forecast_by_city'],
      ['weather__get_alerts_by_region_beta', 'get alerts/by region (beta)'],
      ['weather__list_weather_stations', 'list.weather.stations'],
    ]);
    for (const tool of result.tools) expect(tool.name).toMatch(TOOL_NAME_PATTERN);
    expect(result.warnings).toEqual([
      { message: 'The spec has no servers; give the plugin a base URL.' },
      { operation: 'GET /forecast/{city}', message: 'no operationId; named after the route: "get_forecast_by_city"' },
      {
        operation: 'GET /alerts',
        message: expect.stringContaining('operationId "get alerts/by region (beta)" is not a portable tool name'),
      },
      { operation: 'GET /stations', message: expect.stringContaining('the tool is "weather__list_weather_stations"') },
    ]);
  });

  it('circular and mutually recursive schemas through bundled $refs stay recursive in $defs', () => {
    const result = importOpenApi(fixture('circular-3.0.json'), { pluginName: 'org' });
    expect(result.failures).toEqual([]);
    const create = httpToolNamed(result, 'org__create_person');
    expect(create.binding.body).toEqual({ arg: 'body', contentType: 'application/json', required: true });
    expect(Object.keys(create.inputSchema['$defs'] ?? {})).toEqual(['Company', 'Contact', 'Named', 'Person']);
    const validate = validatorFor(create.inputSchema);
    const ada = { name: 'Ada', employer: { name: 'Analytical', employees: [{ name: 'Charles', manager: null }] }, nickname: null };
    expect(validate({ body: ada })).toBe(true);
    expect(validate({ body: { ...ada, employer: { employees: [{ name: '' }] } } })).toBe(false);
    // anyOf: an email address or a phone number.
    expect(validate({ body: { ...ada, contact: 'ada@example.com' } })).toBe(true);
    expect(validate({ body: { ...ada, contact: '+44123' } })).toBe(true);
    expect(validate({ body: { ...ada, contact: 'call me' } })).toBe(false);

    const get = httpToolNamed(result, 'org__get_entity');
    expect(get.binding.parameters).toEqual([{ arg: 'id', name: 'id', in: 'path', style: 'simple', explode: false, required: true }]);
    // oneOf of two components: the output root is an object with the oneOf kept, discriminator dropped.
    expect(get.outputSchema).toMatchObject({ type: 'object', oneOf: [{ $ref: '#/$defs/Person' }, { $ref: '#/$defs/Company' }] });
    expect(JSON.stringify(get.outputSchema)).not.toContain('discriminator');
    expect(httpToolNamed(result, 'org__create_person').outputSchema).toMatchObject({ allOf: [{ $ref: '#/$defs/Named' }, {}] });
  });

  it('OpenAPI 3.1: type arrays, const, boolean schemas, numeric exclusive bounds, refs into $defs, server variables', () => {
    const result = importOpenApi(fixture('types-3.1.yaml'), { pluginName: 'm' });
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.baseUrl).toBe('https://eu.measure.example/v2');
    const tool = httpToolNamed(result, 'm__add_reading');
    const validate = validatorFor(tool.inputSchema);
    expect(validate({ body: { value: 21.5, unit: 'celsius', note: null, location: { lat: 1, lon: 2 } } })).toBe(true);
    expect(validate({ body: { value: null, unit: 'celsius' } })).toBe(true);
    expect(validate({ body: { value: 0, unit: 'celsius' } })).toBe(false);
    expect(validate({ body: { value: 1, unit: 'kelvin' } })).toBe(false);
    expect(validate({ body: { value: 1, unit: 'celsius', forbidden: 1 } })).toBe(false);
    expect(validate({ body: { value: 1, unit: 'celsius', location: { lat: 'north' } } })).toBe(false);
  });

  it('server variables: an enum wins over a default outside it, with a warning', () => {
    const doc = fixture('types-3.1.yaml');
    doc['servers'] = [{ url: 'https://{region}.measure.example', variables: { region: { default: 'mars', enum: ['eu', 'us'] } } }];
    const result = importOpenApi(doc, { pluginName: 'm' });
    expect(result.baseUrl).toBe('https://eu.measure.example');
    expect(result.warnings[0]?.message).toContain('"region" has default "mars", which is not one of its enum values; using "eu"');
  });

  it('skips extensions in the Paths Object and parameters without a name, with a warning for the latter', () => {
    const doc = {
      openapi: '3.0.0',
      info: { title: 'T', version: '1' },
      servers: [{ url: 'https://x.example' }],
      paths: {
        'x-codegen-contextRoot': '/apicurio',
        '/customers': { get: { operationId: 'list', parameters: [{ in: 'query', name: '', schema: { type: 'string' } }], responses: {} } },
      },
    };
    const result = importOpenApi(doc, { pluginName: 'c' });
    expect(result.failures).toEqual([]);
    expect(result.tools.map((t) => t.inputSchema['properties'])).toEqual([{}]);
    expect(result.warnings).toEqual([
      { operation: 'GET /customers', message: 'parameter #/paths/~1customers/get/parameters/0 has no name, so it cannot be sent; ignored' },
    ]);
  });

  it('leaves out an output schema too large to send to models, with a warning, and keeps the tool', () => {
    const big = { type: 'object', properties: { a: { type: 'string', description: 'x'.repeat(MAX_OUTPUT_SCHEMA_CHARS) } } };
    const response = { '200': { description: 'ok', content: { 'application/json': { schema: big } } } };
    const doc = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1' },
      servers: [{ url: 'https://x.example' }],
      paths: { '/a': { get: { operationId: 'a', responses: response } } },
    };
    const result = importOpenApi(doc, { pluginName: 'big' });
    expect(result.tools[0]?.outputSchema).toBeUndefined();
    expect(result.warnings[0]?.message).toMatch(/^no output schema: it is \d+ characters with its components \(the limit is 100000\)$/);
  });

  it('a "spec" that is a web page is refused saying it is HTML', () => {
    expect(specInvalidMessage(() => parseSpecDocument(text('docs-page.html')))).toMatch(
      /^The document is HTML, not an OpenAPI spec: the URL probably serves a web page/,
    );
  });

  it('Swagger 2.0 in the wild: upgraded, formData becomes a form body, security definitions become requirements', async () => {
    const swagger = parseSpecDocument(readFileSync(new URL('../swagger/fixtures/messy-2.0.yaml', import.meta.url), 'utf8'));
    const result = await importSpecDocument(swagger, { pluginName: 'notes' });
    expect(result.failures).toEqual([]);
    expect(result.baseUrl).toBe('https://notes.example.com/api');
    expect(result.tools.map((t) => t.name)).toEqual(['notes__get_notes', 'notes__add_note']);
    expect(httpToolNamed(result, 'notes__get_notes').binding.parameters[0]).toMatchObject({
      name: 'tag',
      style: 'pipeDelimited',
      explode: false,
    });
    expect(httpToolNamed(result, 'notes__add_note').binding.body).toEqual({
      arg: 'body',
      contentType: 'application/x-www-form-urlencoded',
      required: true,
    });
    expect(result.credentialRequirements.map((r) => [r.kind, 'schemeName' in r ? r.schemeName : ''])).toEqual([
      ['api_key', 'key'],
      ['oauth2_flows', 'oauth'],
    ]);
    expect(result.security.operations).toEqual({ 'POST /notes': [[{ schemeName: 'oauth', scopes: ['notes'] }]] });
  });
});

describe('documents refused whole say why', () => {
  const base = { openapi: '3.1.0', info: { title: 'T', version: '1' } };

  it('OpenAPI 3.2, with its QUERY method and querystring parameters', () => {
    const doc = { ...base, openapi: '3.2.0', paths: { '/search': { query: { parameters: [{ name: 'q', in: 'querystring' }] } } } };
    expect(specInvalidMessage(() => importOpenApi(doc, { pluginName: 'x' }))).toMatch(
      /^OpenAPI 3\.2\.0 is not supported yet \(QUERY operations and "in: querystring" parameters/,
    );
  });

  it('an "in: querystring" parameter in a 3.1 document fails only its operation', () => {
    const doc = {
      ...base,
      paths: {
        '/a': { get: { operationId: 'a', parameters: [{ name: 'q', in: 'querystring' }], responses: {} } },
        '/b': { get: { operationId: 'b', responses: {} } },
      },
    };
    const result = importOpenApi(doc, { pluginName: 'x' });
    expect(result.tools.map((t) => t.sourceName)).toEqual(['b']);
    expect(result.failures).toEqual([{ operation: 'GET /a', reason: 'parameter "q" is "in: querystring", which is not supported' }]);
  });

  it('network and relative-file $refs, wherever they are', () => {
    for (const ref of ['http://evil.example/schema.json', 'https://x.example/s.yaml#/S', '../common.yaml', 'common.json#/Id']) {
      const doc = { ...base, paths: { '/a': { get: { operationId: 'a', parameters: [{ $ref: ref }], responses: {} } } } };
      expect(specInvalidMessage(() => importOpenApi(doc, { pluginName: 'x' }))).toMatch(
        /^The spec references another document \(\$ref ".*" at #\/paths\/~1a\/get\/parameters\/0\)\. Toolgate never fetches external \$refs/,
      );
    }
  });
});
