import { describe, expect, it } from 'vitest';
import { ApprovalRecorder } from './approval-recorder.js';
import type { ApprovalRecord } from '../core/approval.js';
import { canonicalDigest } from '../core/canonical-digest.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Plugin } from '../core/plugin.js';
import type { Tool } from '../core/tool.js';
import { ApprovalStore } from '../store/approval-store.js';
import { openSqliteDatabase } from '../store/open-database.js';
import type { AdmittedCall } from '../pipeline/call-types.js';
import type { PipelineSettings } from '../pipeline/pipeline-deps.js';
import { approvalGate } from '../pipeline/stages/approval-gate.js';

const settings: PipelineSettings = {
  environment: 'test',
  approvalTiers: ['consequential', 'destructive'],
  maxOutputChars: 1000,
  maxResponseBytes: 10_000,
};
const plugin: Plugin = {
  id: 'p1',
  name: 'shop',
  kind: 'openapi',
  title: 'Shop',
  description: '',
  baseUrl: 'http://127.0.0.1:1',
  allowPrivateNetwork: true,
  timeoutMs: 1000,
  status: 'active',
  source: 'test',
  createdAt: '2025-01-01T00:00:00.000Z',
};
const tool = (name: string, riskTier: Tool['riskTier'], definitionHash = `hash-${name}`): Tool => ({
  id: name,
  pluginId: 'p1',
  pluginName: 'shop',
  name,
  sourceName: name,
  description: '',
  inputSchema: { type: 'object' },
  riskTier,
  binding: { kind: 'http', method: 'POST', path: '/', parameters: [] },
  definitionHash,
  status: 'active',
});

function call(t: Tool, args: Record<string, unknown>, principalId = 'u1'): AdmittedCall {
  return {
    credential: null,
    toolName: t.name,
    args,
    surface: 'rest',
    requestId: 'r1',
    principal: { id: principalId, name: principalId, kind: 'user', roles: [], disabled: false, createdAt: '' },
    tool: t,
    plugin,
    validArgs: args,
    argsDigest: canonicalDigest(args),
    decision: { effect: 'allow', requiresApproval: false, grantIds: ['g1'], policyIds: [], policyVersion: 7, reason: 'allowed' },
    rateLimitRemaining: 10,
  };
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> | undefined }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`);
  return { code: err.code, details: err.details };
}

describe('approvalGate', () => {
  const refund = tool('shop__refund', 'consequential');
  const args = { orderId: 'o1', amount: 1 };

  it('lets a call that needs no approval through, cleared as not_required', async () => {
    const cleared = await approvalGate({ settings }, call(tool('shop__get', 'read'), {}));
    expect(cleared.clearance).toBe('not_required');
  });

  it('without an approval store no request can be made: APPROVAL_REQUIRED', async () => {
    expect((await codeOf(approvalGate({ settings }, call(refund, args)))).code).toBe('APPROVAL_REQUIRED');
  });

  it('records the exact call once per idempotency key and stops it with APPROVAL_PENDING', async () => {
    const db = await openSqliteDatabase(':memory:');
    const store = new ApprovalStore(db.db);
    const approvals = new ApprovalRecorder({
      store,
      settings: { ttlSeconds: 60, twoPersonTools: [] },
      notify: () => undefined,
      clock: { now: () => Date.parse('2025-01-01T00:00:00.000Z') },
    });
    const keyed = { ...call(refund, args), idempotencyKey: 'k1' };
    const first = await codeOf(approvalGate({ settings, approvals }, keyed));
    const again = await codeOf(approvalGate({ settings, approvals }, keyed));
    expect(first.code).toBe('APPROVAL_PENDING');
    expect(again.details?.['approvalId']).toBe(first.details?.['approvalId']);
    expect(first.details).toMatchObject({ status: 'pending', expiresAt: '2025-01-01T00:01:00.000Z', requiredBy: 'risk_tier' });
    const stored = await store.find(String(first.details?.['approvalId']));
    expect(stored).toMatchObject({ toolName: 'shop__refund', args, argsDigest: canonicalDigest(args), policyVersion: 7 });
    await db.close();
  });

  describe('an approval clears exactly the call it approved', () => {
    const approved: ApprovalRecord = {
      id: 'apr_1',
      requesterId: 'u1',
      requesterName: 'u1',
      toolName: refund.name,
      pluginName: 'shop',
      definitionHash: refund.definitionHash,
      args,
      argsDigest: canonicalDigest(args),
      editedArgs: null,
      editedArgsDigest: null,
      policyVersion: 7,
      reason: 'risk tier consequential requires approval',
      surface: 'rest',
      status: 'approved',
      requiredApprovals: 1,
      decisions: [],
      expiresAt: '2025-01-01T01:00:00.000Z',
      idempotencyKey: null,
      outcome: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      decidedAt: '2025-01-01T00:00:01.000Z',
      executedAt: null,
      version: 2,
    };

    it('the approved call passes with the approval id as its clearance', async () => {
      expect((await approvalGate({ settings }, call(refund, args), approved)).clearance).toEqual({ approvalId: 'apr_1' });
    });

    it('refuses other arguments, another tool, another requester', async () => {
      const other = await codeOf(approvalGate({ settings }, call(refund, { ...args, amount: 1000 }), approved));
      expect(other).toMatchObject({ code: 'APPROVAL_FORBIDDEN', details: { mismatch: 'arguments' } });
      const otherTool = tool('shop__delete', 'destructive', refund.definitionHash);
      expect((await codeOf(approvalGate({ settings }, call(otherTool, args), approved))).details).toMatchObject({ mismatch: 'tool' });
      expect((await codeOf(approvalGate({ settings }, call(refund, args, 'u2'), approved))).details).toMatchObject({
        mismatch: 'requester',
      });
    });

    it('refuses another definition of the tool, and a request not (or no longer) claimed for execution', async () => {
      const changed = tool('shop__refund', 'consequential', 'hash-v2');
      expect((await codeOf(approvalGate({ settings }, call(changed, args), approved))).code).toBe('APPROVAL_EXPIRED');
      for (const status of ['pending', 'executed', 'denied'] as const) {
        const stale = await codeOf(approvalGate({ settings }, call(refund, args), { ...approved, status }));
        expect(stale.code).toBe('APPROVAL_ALREADY_DECIDED');
      }
    });

    it('after an edit, only the edited arguments are cleared', async () => {
      const edited = { ...args, amount: 2 };
      const withEdit = { ...approved, editedArgs: edited, editedArgsDigest: canonicalDigest(edited) };
      expect((await approvalGate({ settings }, call(refund, edited), withEdit)).clearance).toEqual({ approvalId: 'apr_1' });
      expect((await codeOf(approvalGate({ settings }, call(refund, args), withEdit))).code).toBe('APPROVAL_FORBIDDEN');
    });
  });
});
