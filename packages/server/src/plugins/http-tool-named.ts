import type { HttpBinding } from '../core/tool.js';
import type { SpecImport, ToolDraft } from './spec-import.js';

/** The imported HTTP tool called `name`; throws naming the tools there are, so a failing test says what it found. */
export function httpToolNamed(result: SpecImport, name: string): ToolDraft & { binding: HttpBinding } {
  const tool = result.tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}; have ${result.tools.map((t) => t.name).join(', ')}`);
  const binding = tool.binding;
  if (binding.kind !== 'http') throw new Error(`${name} is not an HTTP tool`);
  return { ...tool, binding };
}
