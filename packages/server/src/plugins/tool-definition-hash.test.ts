import { describe, expect, it } from 'vitest';
import { toolDefinitionHash } from './tool-definition-hash.js';

const definition = {
  name: 'orders__get_order',
  description: 'Get an order',
  inputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: true },
};

describe('toolDefinitionHash', () => {
  it('is a SHA-256 hex digest that ignores key order', () => {
    const reordered = {
      annotations: { openWorldHint: true, destructiveHint: false, readOnlyHint: true },
      inputSchema: { required: ['orderId'], properties: { orderId: { type: 'string' } }, type: 'object' },
      description: 'Get an order',
      name: 'orders__get_order',
    };
    expect(toolDefinitionHash(definition)).toMatch(/^[0-9a-f]{64}$/);
    expect(toolDefinitionHash(reordered)).toBe(toolDefinitionHash(definition));
  });

  it('treats an undefined output schema as absent', () => {
    expect(toolDefinitionHash({ ...definition, outputSchema: undefined })).toBe(toolDefinitionHash(definition));
  });

  it('changes with any model-visible field', () => {
    const base = toolDefinitionHash(definition);
    expect(toolDefinitionHash({ ...definition, description: 'Get an order!' })).not.toBe(base);
    expect(toolDefinitionHash({ ...definition, outputSchema: { type: 'object' } })).not.toBe(base);
    expect(toolDefinitionHash({ ...definition, annotations: { ...definition.annotations, readOnlyHint: false } })).not.toBe(base);
  });
});
