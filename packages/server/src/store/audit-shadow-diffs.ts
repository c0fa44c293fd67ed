import { randomUUID } from 'node:crypto';
import { openAuditEvent, type AuditDecision, type StoredAuditEvent } from '../core/audit-event.js';
import type { ShadowDiff } from '../core/shadow-diff.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { ShadowDiffSink } from '../ports/shadow-diff-sink.js';
import type { AuditStore } from './audit-store.js';

/** The audit action shadow differences are recorded under. */
export const SHADOW_DIFF_ACTION = 'policy.shadow_diff';

/**
 * Shadow differences live in the audit log (durable, tamper-evident, already queryable by action and
 * time) rather than a table of their own. The audit record has no free-form field, so the tool, the
 * shadow decision and the policy ids go into `reason` in one fixed format that `listShadowDiffs` reads back.
 */
export class AuditShadowDiffs implements ShadowDiffSink {
  constructor(private readonly audit: AuditSink) {}

  record(diff: ShadowDiff): Promise<void> {
    return this.audit.append({
      ...openAuditEvent({
        callId: randomUUID(),
        time: diff.time,
        type: 'admin',
        surface: diff.surface,
        requestId: '',
        environment: diff.environment,
        action: SHADOW_DIFF_ACTION,
      }),
      principalId: diff.principalId,
      principalName: diff.principalName,
      pluginName: diff.plugin,
      // The live decision: what actually happened to the call.
      decision: diff.live,
      outcome: 'success',
      argsDigest: diff.argsDigest,
      reason: formatReason(diff),
    });
  }
}

export async function listShadowDiffs(store: AuditStore, q: { since?: string; limit: number }): Promise<ShadowDiff[]> {
  const events = await store.query({ action: SHADOW_DIFF_ACTION, limit: q.limit, ...(q.since !== undefined ? { since: q.since } : {}) });
  return events.flatMap((e) => {
    const diff = fromEvent(e);
    return diff ? [diff] : [];
  });
}

function formatReason(d: ShadowDiff): string {
  const ids = (list: readonly string[]): string => (list.length > 0 ? list.join(', ') : '-');
  const base = `tool ${d.tool}: live ${d.live} (policies ${ids(d.livePolicyIds)}), shadow ${d.shadow} (policies ${ids(d.shadowPolicyIds)})`;
  return d.error === null ? base : `${base}; error: ${d.error}`;
}

const REASON = /^tool (\S+): live (\S+) \(policies ([^)]*)\), shadow (\S+) \(policies ([^)]*)\)(?:; error: ([\s\S]*))?$/;

function fromEvent(e: StoredAuditEvent): ShadowDiff | undefined {
  const m = REASON.exec(e.reason ?? '');
  if (!m) return undefined;
  const ids = (text: string | undefined): string[] => (text === undefined || text === '-' ? [] : text.split(', '));
  return {
    time: e.time,
    tool: m[1] ?? '',
    plugin: e.pluginName ?? '',
    principalId: e.principalId ?? '',
    principalName: e.principalName ?? '',
    environment: e.environment,
    surface: e.surface,
    live: asDecision(m[2]),
    shadow: asDecision(m[4]),
    livePolicyIds: ids(m[3]),
    shadowPolicyIds: ids(m[5]),
    argsDigest: e.argsDigest,
    error: m[6] ?? null,
  };
}

function asDecision(text: string | undefined): AuditDecision {
  return text === 'allow' || text === 'approval_required' ? text : 'deny';
}
