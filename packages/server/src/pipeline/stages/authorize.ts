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
  });
  // Visible-but-denied only happens once conditions depend on arguments; report it as not found all the same.
  if (decision.effect === 'deny') throw new GatewayError('TOOL_NOT_FOUND', { reason: decision.reason });
  return { ...call, decision };
}
