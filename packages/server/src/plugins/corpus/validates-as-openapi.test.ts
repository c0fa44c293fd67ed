import { describe, expect, it } from 'vitest';
import { validatesAsOpenApi } from './validates-as-openapi.js';

const valid = { openapi: '3.0.3', info: { title: 'T', version: '1' }, paths: { '/a': { get: { responses: {} } } } };

describe('validatesAsOpenApi', () => {
  it('accepts structurally valid 3.0 and 3.1 documents', () => {
    expect(validatesAsOpenApi(valid)).toBe(true);
    expect(validatesAsOpenApi({ ...valid, openapi: '3.1.0', paths: { '/a': { get: {} } } })).toBe(true);
  });

  it('rejects other versions, missing info fields, bad paths and operations without responses in 3.0', () => {
    expect(validatesAsOpenApi({ ...valid, openapi: '3.2.0' })).toBe(false);
    expect(validatesAsOpenApi({ ...valid, openapi: 3.0 })).toBe(false);
    expect(validatesAsOpenApi({ swagger: '2.0', info: valid.info, paths: {} })).toBe(false);
    expect(validatesAsOpenApi({ ...valid, info: { title: 'T' } })).toBe(false);
    expect(validatesAsOpenApi({ ...valid, paths: { a: {} } })).toBe(false);
    expect(validatesAsOpenApi({ ...valid, paths: { '/a': { get: 'x' } } })).toBe(false);
    expect(validatesAsOpenApi({ ...valid, paths: { '/a': { get: {} } } })).toBe(false);
  });
});
