import { randomUUID } from 'node:crypto';
import { canonicalDigest, canonicalJson } from '../../core/canonical-digest.js';
import { RISK_TIERS, type Tool } from '../../core/tool.js';
import type { ReviewReason, ToolSnapshot } from '../../core/tool-review.js';
import type { OperationFailure, ToolDraft } from '../spec-import.js';
import { toolDefinitionHash } from '../tool-definition-hash.js';

/** What happened to one tool in a sync. */
export type ToolChange = 'new' | 'changed' | 'unchanged' | 'restored' | 'removed';

export interface ReconciledTool {
  readonly tool: Tool;
  readonly change: ToolChange;
}

export interface ReconcileInput {
  readonly pluginId: string;
  readonly pluginName: string;
  /** The plugin's tools as stored (empty on first import). */
  readonly existing: readonly Tool[];
  /** The tools just read from the source. */
  readonly drafts: readonly ToolDraft[];
  /**
   * True when an admin imports the plugin now: that act approves what it imports (except what the lint blocks).
   * On a re-import or re-sync nothing new runs before an admin approves it.
   */
  readonly firstImport: boolean;
  /** Who is importing (recorded as the approver on first import). */
  readonly actor: string;
  readonly now: string;
  /** Description-lint findings that block a tool until an admin approves it explicitly. */
  readonly blockingFindings: (draft: ToolDraft) => readonly unknown[];
}

export interface ReconcileResult {
  readonly tools: readonly ReconciledTool[];
  readonly failures: readonly OperationFailure[];
}

/**
 * Pinning (the "rug pull" defence): compares freshly imported tools with the stored ones. A tool whose
 * definition hash and binding equal what an admin approved stays (or becomes again) active; anything new or
 * different waits in `pending_review`, with the reasons, until an admin approves that exact hash. Tools
 * the source no longer has are marked `removed`, not deleted, so grants and audit records still resolve.
 */
export function reconcileTools(input: ReconcileInput): ReconcileResult {
  const bySource = indexExisting(input.existing);
  const matched = new Set<string>();
  const failures: OperationFailure[] = [];
  const tools: ReconciledTool[] = [];
  const namesInUse = new Map(input.existing.map((t) => [t.name, t.id]));

  for (const draft of input.drafts) {
    const previous = bySource.get(draft.sourceName) ?? bySource.get(`name:${draft.name}`);
    if (previous !== undefined && matched.has(previous.id)) {
      failures.push({ operation: draft.sourceName, reason: 'two operations of the source claim the same tool; rename one of them' });
      continue;
    }
    // A tool keeps its name for life: grants and audit records refer to it.
    const name = previous?.name ?? draft.name;
    const owner = namesInUse.get(name);
    if (previous === undefined && owner !== undefined) {
      failures.push({ operation: draft.sourceName, reason: `its name "${name}" is taken by another tool of this plugin` });
      continue;
    }
    namesInUse.set(name, previous?.id ?? 'new');
    const definitionHash = name === draft.name ? draft.definitionHash : toolDefinitionHash({ ...draft, name });
    const candidate = { ...draft, name, definitionHash };
    if (previous === undefined) {
      tools.push(newTool(input, candidate));
    } else {
      matched.add(previous.id);
      tools.push(changedTool(input, previous, candidate));
    }
  }
  for (const tool of input.existing) {
    if (matched.has(tool.id) || tool.status === 'removed') continue;
    tools.push({ tool: withoutReview({ ...tool, status: 'removed' }), change: 'removed' });
  }
  return { tools, failures };
}

function indexExisting(existing: readonly Tool[]): Map<string, Tool> {
  const counts = new Map<string, number>();
  for (const t of existing) counts.set(t.sourceName, (counts.get(t.sourceName) ?? 0) + 1);
  const index = new Map<string, Tool>();
  for (const t of existing) {
    // A source name two tools share cannot identify either; fall back to the model-visible name.
    if (counts.get(t.sourceName) === 1) index.set(t.sourceName, t);
    index.set(`name:${t.name}`, t);
  }
  return index;
}

function newTool(input: ReconcileInput, draft: ToolDraft): ReconciledTool {
  const base = { ...draft, id: randomUUID(), pluginId: input.pluginId, pluginName: input.pluginName };
  const lint = lintReasons(input, draft);
  if (input.firstImport && lint.length === 0) {
    return { tool: approved({ ...base, status: 'active' }, input.actor, input.now), change: 'new' };
  }
  const reasons: ReviewReason[] = input.firstImport ? lint : [{ kind: 'new', message: 'new since the last approved import' }, ...lint];
  return { tool: { ...base, status: 'pending_review', review: { reasons, requestedAt: input.now } }, change: 'new' };
}

function changedTool(input: ReconcileInput, previous: Tool, draft: ToolDraft): ReconciledTool {
  const next: Tool = {
    ...previous,
    ...draft,
    id: previous.id,
    pluginId: previous.pluginId,
    pluginName: input.pluginName,
    status: previous.status,
  };
  const approvedBinding = previous.approvedDefinition?.binding;
  const sameAsApproved =
    previous.approvedHash === draft.definitionHash &&
    (approvedBinding === undefined || canonicalJson(approvedBinding) === canonicalJson(draft.binding));
  if (sameAsApproved) {
    // An admin's rejection (even of the approved definition) only an admin undoes: a sync never does.
    if (previous.status === 'rejected') return { tool: next, change: 'unchanged' };
    // The tier is the admin's decision at approval (it may differ from what the source implies): keep it.
    const riskTier = previous.approvedDefinition?.riskTier ?? previous.riskTier;
    const restored = previous.status !== 'active';
    return { tool: withoutReview({ ...next, riskTier, status: 'active' }), change: restored ? 'restored' : 'unchanged' };
  }
  const sameAsNow = previous.definitionHash === draft.definitionHash && canonicalJson(previous.binding) === canonicalJson(draft.binding);
  if (sameAsNow && (previous.status === 'rejected' || previous.status === 'pending_review')) {
    return { tool: next, change: 'unchanged' };
  }
  const reasons: ReviewReason[] = [];
  if (previous.approvedHash !== draft.definitionHash) {
    reasons.push({ kind: 'changed', message: 'the definition differs from the one an admin approved' });
  }
  if (approvedBinding !== undefined && canonicalJson(approvedBinding) !== canonicalJson(draft.binding)) {
    reasons.push({ kind: 'binding_changed', message: 'how the tool is executed upstream (method, path, parameters) changed' });
  }
  const approvedTier = previous.approvedDefinition?.riskTier;
  if (approvedTier !== undefined && RISK_TIERS.indexOf(draft.riskTier) < RISK_TIERS.indexOf(approvedTier)) {
    reasons.push({
      kind: 'risk_claim',
      message: `the source now implies risk tier "${draft.riskTier}", lower than the approved "${approvedTier}"`,
    });
  }
  if (reasons.length === 0) reasons.push({ kind: 'changed', message: 'no approved definition is on record for this tool' });
  reasons.push(...lintReasons(input, draft));
  return { tool: { ...next, status: 'pending_review', review: { reasons, requestedAt: input.now } }, change: 'changed' };
}

function lintReasons(input: ReconcileInput, draft: ToolDraft): ReviewReason[] {
  const findings = input.blockingFindings(draft);
  if (findings.length === 0) return [];
  return [{ kind: 'lint', message: 'the description contains text aimed at the model beyond this tool', findings }];
}

/**
 * What an admin's review decision binds to: the definition hash plus what the hash leaves out but the
 * review shows (how the tool runs, and its tier). A decision naming another digest is refused.
 */
export function reviewDigest(tool: Pick<Tool, 'definitionHash' | 'binding' | 'riskTier' | 'status'>): string {
  return canonicalDigest({ definitionHash: tool.definitionHash, binding: tool.binding, riskTier: tool.riskTier, status: tool.status });
}

/** The tool as approved now by `actor`: its current definition becomes the pinned one. */
export function approved(tool: Tool, actor: string, now: string): Tool {
  return withoutReview({
    ...tool,
    status: 'active',
    approvedHash: tool.definitionHash,
    approvedDefinition: snapshotOf(tool),
    reviewedBy: actor,
    reviewedAt: now,
  });
}

export function snapshotOf(tool: Tool): ToolSnapshot {
  return {
    name: tool.name,
    ...(tool.title !== undefined ? { title: tool.title } : {}),
    description: tool.description,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
    ...(tool.annotations !== undefined ? { annotations: tool.annotations } : {}),
    riskTier: tool.riskTier,
    binding: tool.binding,
    definitionHash: tool.definitionHash,
  };
}

function withoutReview(tool: Tool): Tool {
  const { review: _review, ...rest } = tool;
  return rest;
}
