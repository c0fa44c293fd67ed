import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { openAuditEvent, type AuditDecision } from '../core/audit-event.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { ADMIN_ROLE, type Principal } from '../core/principal.js';
import { authenticate } from '../pipeline/stages/authenticate.js';
import type { HttpServices } from './http-services.js';
import { requestCredential } from './request-credential.js';

/**
 * Authenticates an admin API request with the same stage tool calls use, and requires the admin
 * role. Refusals are audited like tool-call denials.
 */
export async function requireAdmin(services: HttpServices, req: FastifyRequest, action: string): Promise<Principal> {
  let principal: Principal | null = null;
  try {
    ({ principal } = await authenticate(services.pipeline, {
      credential: requestCredential(req),
      toolName: action,
      args: undefined,
      surface: 'admin',
      requestId: req.id,
    }));
    if (!principal.roles.includes(ADMIN_ROLE)) {
      throw new GatewayError('ADMIN_REQUIRED', { reason: `${principal.name} lacks role ${ADMIN_ROLE}` });
    }
    return principal;
  } catch (err) {
    const gerr = toGatewayError(err);
    await auditAdmin(services, req, action, principal, 'deny', gerr);
    throw gerr;
  }
}

/** One audit record per administrative action or refusal. */
export async function auditAdmin(
  services: HttpServices,
  req: FastifyRequest,
  action: string,
  principal: Principal | null,
  decision: AuditDecision,
  err?: GatewayError,
  reason?: string,
  subject: { pluginName?: string; toolHash?: string } = {},
): Promise<void> {
  await services.admin.audit.append({
    ...openAuditEvent({
      callId: randomUUID(),
      time: new Date(services.admin.clock.now()).toISOString(),
      type: 'admin',
      surface: 'admin',
      requestId: req.id,
      environment: services.pipeline.settings.environment,
      action,
    }),
    principalId: principal?.id ?? null,
    principalName: principal?.name ?? null,
    decision,
    reason: err ? (err.reason ?? err.message) : (reason ?? null),
    errorCode: err?.code ?? null,
    outcome: err ? 'not_run' : 'success',
    ...(subject.pluginName !== undefined ? { pluginName: subject.pluginName } : {}),
    ...(subject.toolHash !== undefined ? { toolHash: subject.toolHash } : {}),
  });
}
