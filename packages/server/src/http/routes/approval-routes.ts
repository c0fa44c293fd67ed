import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApprovalListQuery, ApproveRequest, DenyRequest, type ApprovalListResponse, type ApprovalView } from '@toolgate/contract';
import { maySee, visibleApproval } from '../../approvals/approval-access.js';
import type { ApprovalDeps } from '../../approvals/approval-deps.js';
import { approvalView } from '../../approvals/approval-view.js';
import { decideApproval, type DecisionInput } from '../../approvals/decide-approval.js';
import { expireIfDue } from '../../approvals/expire-approvals.js';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { Principal } from '../../core/principal.js';
import { authenticate } from '../../pipeline/stages/authenticate.js';
import { auditAdmin } from '../admin-auth.js';
import type { HttpServices } from '../http-services.js';
import { requestCredential } from '../request-credential.js';

/**
 * The approval workflow over HTTP, for requesters and approvers alike (no admin role needed): each sees only
 * the requests that are theirs to see. Decisions and their refusals are audited.
 */
export function registerApprovalRoutes(app: FastifyInstance, services: HttpServices, deps: ApprovalDeps): void {
  const caller = async (req: FastifyRequest, action: string): Promise<Principal> => {
    try {
      const { principal } = await authenticate(services.pipeline, {
        credential: requestCredential(req),
        toolName: action,
        args: undefined,
        surface: 'rest',
        requestId: req.id,
      });
      return principal;
    } catch (err) {
      const gerr = toGatewayError(err);
      await auditAdmin(services, req, action, null, 'deny', gerr);
      throw gerr;
    }
  };

  app.get<{ Querystring: ApprovalListQuery }>('/v1/approvals', { schema: { querystring: ApprovalListQuery } }, async (req) => {
    const principal = await caller(req, 'approvals.list');
    const limit = req.query.limit ?? 100;
    // Newest first; what a principal may see is decided per request by the one authorization function.
    const recent = await deps.store.list({ ...(req.query.status !== undefined ? { status: req.query.status } : {}), limit: 500 });
    const views: ApprovalView[] = [];
    for (const record of recent) {
      if (views.length >= limit) break;
      if (!maySee(deps, principal, record)) continue;
      const current = await expireIfDue(deps, record, req.id);
      if (req.query.status !== undefined && current.status !== req.query.status) continue;
      views.push(approvalView(current, { withOutcome: current.requesterId === principal.id }));
    }
    const body: ApprovalListResponse = { approvals: views };
    return body;
  });

  app.get<{ Params: { id: string } }>('/v1/approvals/:id', async (req): Promise<ApprovalView> => {
    const principal = await caller(req, 'approvals.show');
    const record = await visibleApproval(deps, principal, req.params.id, req.id);
    // The result is the requester's: an approver decides whether the call runs, not what it returned.
    return approvalView(record, { withOutcome: record.requesterId === principal.id });
  });

  const decide = async (req: FastifyRequest<{ Params: { id: string } }>, input: DecisionInput): Promise<ApprovalView> => {
    const action = `approvals.${input.decision}`;
    const principal = await caller(req, action);
    try {
      const decided = await decideApproval(deps, principal, req.params.id, input, req.id);
      return approvalView(decided, { withOutcome: decided.requesterId === principal.id });
    } catch (err) {
      // Refusals on a visible request are audited with it by decideApproval; an invisible one is audited here.
      if (err instanceof GatewayError && err.code === 'APPROVAL_NOT_FOUND') {
        await auditAdmin(services, req, action, principal, 'deny', err);
      }
      throw err;
    }
  };

  app.post<{ Params: { id: string }; Body: ApproveRequest | undefined }>(
    '/v1/approvals/:id/approve',
    { schema: { body: ApproveRequest } },
    async (req) =>
      decide(req, {
        decision: 'approve',
        ...(req.body?.note !== undefined ? { note: req.body.note } : {}),
        ...(req.body?.arguments !== undefined ? { arguments: req.body.arguments } : {}),
      }),
  );

  app.post<{ Params: { id: string }; Body: DenyRequest | undefined }>(
    '/v1/approvals/:id/deny',
    { schema: { body: DenyRequest } },
    async (req) => decide(req, { decision: 'deny', ...(req.body?.note !== undefined ? { note: req.body.note } : {}) }),
  );
}
