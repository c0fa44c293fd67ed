import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { importSpecDocument } from '../import-spec-document.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import { UPGRADED_WARNING, upgradeSwagger } from './upgrade-swagger.js';
import { httpToolNamed } from '../http-tool-named.js';

const fixture = (name: string): Record<string, unknown> =>
  parseSpecDocument(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

const toolNamed = httpToolNamed;

async function specInvalid(run: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'SPEC_INVALID') return err;
    throw err;
  }
  throw new Error('expected SPEC_INVALID');
}

function swagger(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'Old', version: '1' }, host: 'api.example.com', schemes: ['https'], paths, ...extra };
}

describe.each(['petstore-2.0.json', 'petstore-2.0.yaml'])('importSpecDocument: Swagger 2.0 petstore (%s)', (file) => {
  const imported = importSpecDocument(fixture(file), { pluginName: 'petstore' });

  it('upgrades and imports every operation, saying it was upgraded', async () => {
    const result = await imported;
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual([{ message: UPGRADED_WARNING }]);
    expect(result.title).toBe('Swagger Petstore');
    // `schemes` lists https first; `basePath`'s trailing slash is dropped.
    expect(result.baseUrl).toBe('https://petstore.example.com/v2');
    expect(result.tools.map((t) => [t.name, t.sourceName, t.riskTier])).toEqual([
      ['petstore__add_pet', 'addPet', 'write'],
      ['petstore__find_pets_by_status', 'findPetsByStatus', 'read'],
      ['petstore__get_pet_by_id', 'getPetById', 'read'],
      ['petstore__update_pet_with_form', 'updatePetWithForm', 'write'],
      ['petstore__delete_pet', 'deletePet', 'destructive'],
    ]);
  });

  it('turns a body parameter into a JSON body with the definitions as $defs', async () => {
    const addPet = toolNamed(await imported, 'petstore__add_pet');
    expect(addPet.inputSchema['required']).toEqual(['body']);
    expect(addPet.inputSchema['properties']).toEqual({
      body: { $ref: '#/$defs/Pet', description: 'Pet object that needs to be added to the store' },
    });
    const defs = addPet.inputSchema['$defs'] as Record<string, Record<string, unknown>>;
    expect(defs['Pet']?.['required']).toEqual(['name', 'photoUrls']);
    expect(defs['Pet']?.['properties']).toMatchObject({ category: { $ref: '#/$defs/Category' } });
    expect(addPet.binding).toEqual({
      kind: 'http',
      method: 'POST',
      path: '/pet',
      parameters: [],
      body: { arg: 'body', contentType: 'application/json', required: true },
    });
    expect(addPet.outputSchema).toBeDefined();
  });

  it('maps query, path, header and formData parameters', async () => {
    const result = await imported;
    const find = toolNamed(result, 'petstore__find_pets_by_status');
    expect(find.inputSchema['required']).toEqual(['status']);
    expect(find.inputSchema['properties']).toMatchObject({
      status: { type: 'array', items: { type: 'string', enum: ['available', 'pending', 'sold'] } },
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    });
    // collectionFormat: multi is `?status=a&status=b`: form style, exploded.
    expect(find.binding.parameters[0]).toMatchObject({ name: 'status', in: 'query', style: 'form', explode: true });

    const form = toolNamed(result, 'petstore__update_pet_with_form');
    expect(form.inputSchema['required']).toEqual(['petId']);
    expect(form.inputSchema['properties']).toMatchObject({
      petId: { type: 'integer', format: 'int64' },
      body: { type: 'object', properties: { name: { type: 'string' }, status: { type: 'string' } }, required: ['status'] },
    });
    expect(form.binding.body).toMatchObject({ arg: 'body', contentType: 'application/x-www-form-urlencoded' });

    const del = toolNamed(result, 'petstore__delete_pet');
    expect(del.binding.parameters.map((p) => [p.name, p.in])).toEqual([
      ['petId', 'path'],
      ['api_key', 'header'],
    ]);
  });

  it('gives schemas that compile with Ajv 2020 and validate real arguments', async () => {
    const ajv = new Ajv2020({ strict: false, logger: false });
    addFormats.default(ajv);
    for (const tool of (await imported).tools) {
      expect(() => ajv.compile(tool.inputSchema), tool.name).not.toThrow();
      if (tool.outputSchema) expect(() => ajv.compile(tool.outputSchema ?? {}), `${tool.name} output`).not.toThrow();
    }
    const addPet = ajv.compile(toolNamed(await imported, 'petstore__add_pet').inputSchema);
    expect(addPet({ body: { name: 'Rex', photoUrls: [], category: { id: 1, name: 'dogs' } } })).toBe(true);
    expect(addPet({ body: { name: 'Rex' } })).toBe(false);
  });
});

describe('upgradeSwagger', () => {
  it('patches common mistakes and says so', async () => {
    // A path parameter without `required: true` is a classic Swagger 2.0 mistake.
    const doc = swagger({
      '/items/{id}': {
        get: {
          operationId: 'getItem',
          parameters: [{ name: 'id', in: 'path', type: 'string' }],
          responses: { '200': { description: 'ok' } },
        },
      },
    });
    const { warnings } = await upgradeSwagger(doc);
    expect(warnings).toContainEqual({ message: 'The converter fixed 1 common mistake in the Swagger 2.0 spec.' });
    const result = await importSpecDocument(doc, { pluginName: 'items' });
    expect(result.tools[0]?.inputSchema['required']).toEqual(['id']);
  });

  it('reports lossy conversions as warnings and removes the markers', async () => {
    const doc = swagger({
      '/search': {
        get: {
          operationId: 'search',
          parameters: [{ name: 'tags', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'tsv' }],
          responses: { '200': { description: 'ok' } },
        },
      },
    });
    const { doc: upgraded, warnings } = await upgradeSwagger(doc);
    expect(warnings).toContainEqual({ message: 'Upgrading from Swagger 2.0: collectionFormat:tsv is no longer supported' });
    expect(JSON.stringify(upgraded)).not.toContain('x-s2o-warning');
  });

  it('does not change the document it was given', async () => {
    const doc = fixture('petstore-2.0.json');
    const before = structuredClone(doc);
    await upgradeSwagger(doc);
    expect(doc).toEqual(before);
  });

  it('refuses external $refs before the converter could follow them', async () => {
    const doc = swagger({
      '/pets': {
        get: { operationId: 'list', responses: { '200': { description: 'ok', schema: { $ref: 'http://127.0.0.1:9/pet.json' } } } },
      },
    });
    expect((await specInvalid(() => upgradeSwagger(doc))).message).toContain('never fetches external $refs');
  });

  it('refuses what the converter cannot convert, naming the reason', async () => {
    const old = { swagger: '1.2', info: { title: 'Older', version: '1' }, paths: {} };
    expect((await specInvalid(() => importSpecDocument(old, { pluginName: 'x' }))).message).toBe(
      'The Swagger 2.0 spec could not be upgraded to OpenAPI 3: Unsupported swagger/OpenAPI version: 1.2',
    );
  });

  it('leaves OpenAPI 3 documents to the OpenAPI importer, without the upgrade warning', async () => {
    const doc = { openapi: '3.1.0', info: { title: 'New', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths: {} };
    const result = await importSpecDocument(doc, { pluginName: 'new' });
    expect(result.warnings).toEqual([{ message: 'The spec has no paths, so no tools.' }]);
  });
});
