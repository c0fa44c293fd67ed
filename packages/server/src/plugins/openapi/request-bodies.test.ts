import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpToolNamed } from '../http-tool-named.js';
import { parseSpecDocument } from '../parse-spec-document.js';
import { importOpenApi } from './import-openapi.js';

const bodies = parseSpecDocument(readFileSync(new URL('./fixtures/bodies-3.0.yaml', import.meta.url), 'utf8'));

describe('importOpenApi: request bodies', () => {
  const result = importOpenApi(bodies, { pluginName: 'up' });

  it('imports multipart/form-data with text, number, boolean, array and JSON parts', () => {
    const tool = httpToolNamed(result, 'up__send_message');
    expect(tool.binding.body).toEqual({ arg: 'body', contentType: 'multipart/form-data', required: true });
    expect(tool.inputSchema['properties']).toMatchObject({ body: { type: 'object', required: ['to', 'text'] } });
    // How the connector writes it on the wire: connectors/build-http-request.test.ts.
  });

  it('refuses a multipart file upload and a binary body for that operation only, saying why', () => {
    expect(result.failures).toEqual([
      {
        operation: 'PUT /avatars',
        reason:
          'multipart/form-data part "image" is binary (its content is application/octet-stream); a model cannot supply file contents, so the operation is not imported',
      },
      {
        operation: 'POST /attachments',
        reason: 'the request body is binary (application/octet-stream); a model cannot supply file contents',
      },
    ]);
    expect(result.tools.map((t) => t.sourceName)).toEqual(['sendMessage', 'createInvoice', 'addNote', 'createOrder']);
  });

  it('refuses binary parts declared through contentMediaType or the encoding object', () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1' },
      paths: {
        '/a': {
          post: {
            operationId: 'a',
            requestBody: {
              content: {
                'multipart/form-data': { schema: { properties: { doc: { type: 'string', contentMediaType: 'application/pdf' } } } },
              },
            },
          },
        },
        '/b': {
          post: {
            operationId: 'b',
            requestBody: {
              content: {
                'multipart/form-data': {
                  schema: { properties: { photo: { type: 'string' } } },
                  encoding: { photo: { contentType: 'image/png, image/jpeg' } },
                },
              },
            },
          },
        },
      },
    };
    const imported = importOpenApi(doc, { pluginName: 'x' });
    expect(imported.failures.map((f) => f.reason)).toEqual([
      expect.stringContaining('part "doc" is binary (its content is application/pdf)'),
      expect.stringContaining('part "photo" is binary (its encoding is image/png)'),
    ]);
  });

  it('takes XML bodies as text the model writes, warning that their schema is not enforced', () => {
    const tool = httpToolNamed(result, 'up__create_invoice');
    expect(tool.binding.body).toEqual({ arg: 'body', contentType: 'application/xml', required: false });
    expect(tool.inputSchema['properties']).toEqual({ body: { type: 'string', contentMediaType: 'application/xml' } });
    expect(result.warnings).toEqual([
      {
        operation: 'POST /invoices',
        message: 'the request body is application/xml: it is taken as XML text, and its schema is not enforced',
      },
    ]);
  });

  it('prefers form-urlencoded over XML, and sends other text types as text', () => {
    const order = httpToolNamed(result, 'up__create_order');
    expect(order.binding.body?.contentType).toBe('application/x-www-form-urlencoded');
    const note = httpToolNamed(result, 'up__add_note');
    expect(note.binding.body).toEqual({ arg: 'body', contentType: 'text/markdown', required: false });
    expect(note.inputSchema['properties']).toEqual({ body: { type: 'string' } });
  });

  it('falls back to the next media type the connector can send, and reads common misspellings', () => {
    const body = (content: Record<string, unknown>): Record<string, unknown> => ({ requestBody: { content }, responses: {} });
    const doc = {
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      servers: [{ url: 'https://x.example' }],
      paths: {
        '/columns': {
          put: {
            operationId: 'setColumns',
            ...body({ 'multipart/form-data': { schema: { type: 'array' } }, '*/*': { schema: { type: 'array' } } }),
          },
        },
        '/accounts': {
          post: {
            operationId: 'register',
            ...body({ 'application/form-data': { schema: { type: 'object', properties: { name: { type: 'string' } } } } }),
          },
        },
        '/config': { post: { operationId: 'setConfig', ...body({ 'application/x-yaml': { schema: { type: 'string' } } }) } },
        '/upload': {
          post: { operationId: 'upload', ...body({ 'multipart/form-data': { schema: { type: 'string', format: 'binary' } } }) },
        },
      },
    };
    const imported = importOpenApi(doc, { pluginName: 'x' });
    expect(imported.tools.map((t) => [t.sourceName, t.binding.kind === 'http' ? t.binding.body?.contentType : undefined])).toEqual([
      ['setColumns', 'application/json'],
      ['register', 'multipart/form-data'],
      ['setConfig', 'application/x-yaml'],
    ]);
    expect(imported.warnings.map((w) => [w.operation, w.message])).toEqual([
      ['POST /accounts', '"application/form-data" is not a media type; it is sent as multipart/form-data'],
      ['POST /config', "the request body is application/x-yaml; the model's text is sent as it is"],
    ]);
    expect(imported.failures).toEqual([
      {
        operation: 'POST /upload',
        reason: 'the multipart/form-data body is binary (its content is application/octet-stream); a model cannot supply file contents',
      },
    ]);
  });
});
