import { GatewayError } from '../../core/gateway-error.js';
import type { AuthorizedCall, ValidatedCall } from '../call-types.js';
import type { PipelineDeps } from '../pipeline-deps.js';

/** The call-time decision, with the validated arguments, through the same function that decides visibility. */
export function authorize(deps: PipelineDeps, call: ValidatedCall): AuthorizedCall {
  const decision = deps.authorizer.decide({
    principal: call.principal,
    tool: call.tool,
    plugin: call.plugin,
    environment: deps.settings.environment,
    args: call.validArgs,
    action: 'invoke',
    sourceIp: call.sourceIp,
    surface: call.surface,
  });
  if (decision.effect === 'deny') {
    // A conditional policy judged these arguments: say so (caller-safe message), so the model can adjust.
    if (decision.policyMessage !== undefined) {
      throw new GatewayError('POLICY_DENIED', {
        details: { policy: decision.policyIds[0] ?? null, message: decision.policyMessage },
        reason: decision.reason,
      });
    }
    // A grant denial: the tool stays as invisible as an unknown one.
    throw new GatewayError('TOOL_NOT_FOUND', { reason: decision.reason });
  }
  return { ...call, decision };
}
