import { isRecord } from '../json-value.js';
import { jsonShapeProblem } from './json-shape.js';

/**
 * Checks every target shares, each written from a vendor rule. Names are checked with the vendor's own
 * pattern (kept beside each target), never with the renderer's `NameRule`, so the two can disagree.
 */
export function nameProblems(name: unknown, pattern: RegExp, rule: string): string[] {
  if (typeof name !== 'string') return ['name must be a string'];
  return pattern.test(name) ? [] : [`name "${name}" does not match ${rule}`];
}

export function descriptionProblems(description: unknown, required: boolean): string[] {
  if (description === undefined) return required ? ['description is missing'] : [];
  return typeof description === 'string' ? [] : ['description must be a string'];
}

/**
 * Tool parameters must be described by an object schema: arguments are always a JSON object. The schema
 * must also be sendable: a definition is serialized as JSON, which cannot hold an in-memory cycle, and a
 * schema nested hundreds of levels deep is beyond any model (and any recursive walk over it).
 */
export function objectSchemaProblems(schema: unknown, field: string): string[] {
  if (!isRecord(schema)) return [`${field} must be a JSON Schema object`];
  const problems: string[] = [];
  if (schema['type'] !== 'object') problems.push(`${field} must have type "object" at the root`);
  const shape = jsonShapeProblem(schema);
  if (shape !== undefined) problems.push(`${field} ${shape}`);
  return problems;
}
