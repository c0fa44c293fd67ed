import { lintToolDescription } from '../plugins/description-lint.js';
import type { ImportWarning, ToolDraft } from '../plugins/spec-import.js';

/**
 * The description lint as import and sync use it: block-severity findings hold a tool in review; the
 * other tools of the plugin are the "other tools" a description must not talk about.
 */
export function blockingFindingsFor(drafts: readonly ToolDraft[], pluginName: string): (draft: ToolDraft) => readonly unknown[] {
  // One list for every draft (the lint skips the tool's own name), so the lint's name index is built once.
  const names = drafts.map((d) => d.name);
  return (draft) => lintToolDescription(draft, { pluginName, otherToolNames: names }).filter((f) => f.severity === 'block');
}

/** Plugin instructions are shown to models too; their findings are reported to the importing admin. */
export function lintInstructions(instructions: string | undefined, pluginName: string): ImportWarning[] {
  if (instructions === undefined) return [];
  const findings = lintToolDescription(
    { name: `${pluginName}__instructions`, description: instructions, inputSchema: { type: 'object' } },
    { pluginName },
  );
  return findings.map((f) => ({ message: `Plugin instructions: ${f.message}` }));
}
