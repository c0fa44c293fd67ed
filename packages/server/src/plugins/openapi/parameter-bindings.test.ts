import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpToolNamed } from '../http-tool-named.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import { importOpenApi } from './import-openapi.js';

const styles = parseSpecDocument(readFileSync(new URL('./fixtures/styles-3.1.yaml', import.meta.url), 'utf8'));

describe('importOpenApi: parameter locations and styles', () => {
  it('binds every location with its style and explode, defaults filled in', () => {
    const result = importOpenApi(styles, { pluginName: 's' });
    expect(result.failures).toEqual([]);
    const tool = httpToolNamed(result, 's__search_items');
    expect(tool.binding.parameters.map((p) => [p.name, p.in, p.style, p.explode, p.required])).toEqual([
      ['path', 'path', 'simple', false, true],
      ['ids', 'query', 'form', true, false],
      ['tags', 'query', 'form', false, false],
      ['words', 'query', 'spaceDelimited', false, false],
      ['colors', 'query', 'pipeDelimited', false, false],
      ['filter', 'query', 'deepObject', true, false],
      ['X-Request-Id', 'header', 'simple', false, false],
      ['session', 'cookie', 'form', true, false],
    ]);
    expect(tool.inputSchema['properties']).toMatchObject({
      filter: { type: 'object', properties: { owner: { properties: { id: { type: 'string' } } } } },
      ids: { type: 'array', items: { type: 'integer' } },
    });
  });

  it('replaces a style that is not allowed in its location by the default, with a warning', () => {
    const doc = structuredClone(styles) as { paths: Record<string, { get: { parameters: Record<string, unknown>[] } }> };
    const params = doc.paths['/files/{path}/items']?.get.parameters ?? [];
    params.push({ name: 'X-Deep', in: 'header', style: 'deepObject', schema: { type: 'object' } });
    const result = importOpenApi(doc, { pluginName: 's' });
    expect(httpToolNamed(result, 's__search_items').binding.parameters.find((p) => p.name === 'X-Deep')).toMatchObject({
      style: 'simple',
      explode: false,
    });
    expect(result.warnings).toEqual([
      {
        operation: 'GET /files/{path}/items',
        message: 'parameter "X-Deep" has style "deepObject", which is not allowed in header; using the default',
      },
    ]);
  });
});
