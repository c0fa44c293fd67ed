import { canonicalDigest } from '../core/canonical-digest.js';
import type { Tool } from '../core/tool.js';

export type ToolDefinition = Pick<Tool, 'name' | 'description' | 'inputSchema' | 'outputSchema' | 'annotations'>;

/**
 * SHA-256 of the canonical (RFC 8785) model-visible definition: what reviews pin and audit records carry.
 * Undefined fields are left out so "absent" and "undefined" hash the same.
 */
export function toolDefinitionHash(definition: ToolDefinition): string {
  const { name, description, inputSchema, outputSchema, annotations } = definition;
  return canonicalDigest({
    name,
    description,
    inputSchema,
    ...(outputSchema === undefined ? {} : { outputSchema }),
    ...(annotations === undefined ? {} : { annotations }),
  });
}
