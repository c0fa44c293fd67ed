import type { ApprovalRecord } from '../core/approval.js';
import type { ApprovalEvent } from './approval-deps.js';
import { approvalView } from './approval-view.js';

export interface ApprovalWebhookTarget {
  readonly url: string;
  readonly format: 'json' | 'slack';
  readonly events: readonly ApprovalEvent[];
  readonly allowPrivateNetwork: boolean;
}

/** Posts one body; resolves with the HTTP status, rejects when the receiver cannot be reached (main.ts: safeFetch). */
export type PostJson = (url: string, body: string, allowPrivateNetwork: boolean) => Promise<number>;

export interface ApprovalWebhooksOptions {
  readonly targets: readonly ApprovalWebhookTarget[];
  readonly post: PostJson;
  /** The gateway's external base URL, for the links in messages. */
  readonly baseUrl: () => string;
  /** Told about a delivery that failed twice: logged and audited by the caller; never thrown. */
  readonly onFailure: (target: ApprovalWebhookTarget, event: ApprovalEvent, record: ApprovalRecord, why: string) => Promise<void>;
}

/**
 * Approval notifications. Sent in the background, so a slow or failing receiver never blocks or fails a call
 * or a decision; one retry, then the failure is reported. `drain` waits for deliveries in flight (shutdown, tests).
 */
export class ApprovalWebhooks {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: ApprovalWebhooksOptions) {}

  notify(event: ApprovalEvent, record: ApprovalRecord): void {
    for (const target of this.opts.targets) {
      if (!target.events.includes(event)) continue;
      const delivery = this.deliver(target, event, record).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(target: ApprovalWebhookTarget, event: ApprovalEvent, record: ApprovalRecord): Promise<void> {
    const link = `${this.opts.baseUrl()}${approvalView(record, { withOutcome: false }).statusUrl}`;
    const body = JSON.stringify(target.format === 'slack' ? slackBody(event, record, link) : jsonBody(event, record));
    let why = '';
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const status = await this.opts.post(target.url, body, target.allowPrivateNetwork);
        if (status < 300) return;
        why = `the receiver answered HTTP ${status}`;
      } catch (err) {
        why = err instanceof Error ? err.message : String(err);
      }
    }
    await this.opts.onFailure(target, event, record, why).catch(() => undefined);
  }
}

/** The JSON body: the event and the approval view (without the requester's result). */
export function jsonBody(event: ApprovalEvent, record: ApprovalRecord): Record<string, unknown> {
  return { event, approval: approvalView(record, { withOutcome: false }) };
}

const HEADLINES: Record<ApprovalEvent, string> = {
  requested: 'Approval requested',
  decided: 'Approval decision',
  executed: 'Approved call finished',
  expired: 'Approval request expired',
};

/** A Slack-compatible incoming-webhook body: `text` for notifications, `blocks` for the message. */
export function slackBody(event: ApprovalEvent, record: ApprovalRecord, link: string): { text: string; blocks: unknown[] } {
  const text = `${HEADLINES[event]}: ${record.toolName} for ${record.requesterName} — ${record.status}`;
  const fields = [
    `*Tool:* \`${record.toolName}\` (${record.pluginName})`,
    `*Requester:* ${record.requesterName}`,
    `*Reason:* ${record.reason}`,
    `*Status:* ${record.status} (${record.decisions.filter((d) => d.decision === 'approve').length}/${record.requiredApprovals} approvals)`,
    `*Expires:* ${record.expiresAt}`,
  ];
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: HEADLINES[event] } },
      { type: 'section', text: { type: 'mrkdwn', text: fields.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|${record.id}> · toolgate approvals show ${record.id}` }] },
    ],
  };
}
