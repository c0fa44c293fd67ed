import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApprovalPendingResponse, InvokeResponse, ToolListResponse, ToolView } from '@toolgate/contract';
import { GatewayError } from '../../core/gateway-error.js';
import type { Tool } from '../../core/tool.js';
import { listTools } from '../../pipeline/list-tools.js';
import { runToolCall } from '../../pipeline/run-tool-call.js';
import { approvalPendingReply, idempotencyKeyOf } from './approval-pending-reply.js';
import { renderToolList, type FormatQuery } from './render-tool-list.js';
import type { HttpServices } from '../http-services.js';
import { requestCredential } from '../request-credential.js';

export const INVOKE_ROUTE = '/v1/tools/:name/invoke';

export function toolView(tool: Tool): ToolView {
  return {
    name: tool.name,
    ...(tool.title !== undefined ? { title: tool.title } : {}),
    description: tool.description,
    plugin: tool.pluginName,
    riskTier: tool.riskTier,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
    ...(tool.annotations !== undefined ? { annotations: tool.annotations } : {}),
    definitionHash: tool.definitionHash,
  };
}

/** The REST surface: list what the caller may invoke, and invoke through the one pipeline. */
export function registerToolRoutes(app: FastifyInstance, services: HttpServices): void {
  app.get<{ Querystring: FormatQuery }>('/v1/tools', async (req): Promise<ToolListResponse | ReturnType<typeof renderToolList>> => {
    const { entries } = await listTools(services.pipeline, { credential: requestCredential(req), surface: 'rest', requestId: req.id });
    if (req.query.format !== undefined)
      return renderToolList(
        entries.map((e) => e.tool),
        req.query,
      );
    return { tools: entries.map((e) => toolView(e.tool)) };
  });

  app.post<{ Params: { name: string } }>(INVOKE_ROUTE, async (req, reply): Promise<InvokeResponse | ApprovalPendingResponse> => {
    const body = readInvokeBody(req);
    const idempotency = idempotencyKeyOf(req);
    const rejected = body.rejected ?? idempotency.rejected;
    return runToolCall(services.pipeline, {
      credential: requestCredential(req),
      toolName: req.params.name,
      args: body.args,
      surface: 'rest',
      requestId: req.id,
      sourceIp: req.ip,
      ...(rejected ? { rejected } : {}),
      ...(idempotency.key !== undefined ? { idempotencyKey: idempotency.key } : {}),
    }).catch((err: unknown) => approvalPendingReply(reply, err));
  });
}

/** The body is `{ "arguments": {...} }`; anything else is refused, and still audited by the pipeline. */
function readInvokeBody(req: FastifyRequest): { args: unknown; rejected?: GatewayError } {
  const body = req.body;
  if (body === undefined || body === null) return { args: {} };
  if (typeof body !== 'object' || Array.isArray(body)) {
    return {
      args: undefined,
      rejected: new GatewayError('BAD_REQUEST', {
        message: 'The body must be a JSON object like {"arguments": {...}}.',
        details: { path: 'body' },
      }),
    };
  }
  const extra = Object.keys(body).find((k) => k !== 'arguments');
  if (extra !== undefined) {
    return {
      args: undefined,
      rejected: new GatewayError('BAD_REQUEST', {
        message: `body/${extra} is not an accepted field; put tool arguments under "arguments".`,
        details: { path: `body/${extra}` },
      }),
    };
  }
  return { args: (body as { arguments?: unknown }).arguments ?? {} };
}

/** Called by the error handler when the framework refused an invoke body, so the refusal is audited too. */
export async function auditRefusedInvoke(services: HttpServices, req: FastifyRequest, rejected: GatewayError): Promise<GatewayError> {
  const name = (req.params as { name?: unknown } | undefined)?.name;
  try {
    await runToolCall(services.pipeline, {
      credential: requestCredential(req),
      toolName: typeof name === 'string' ? name : '',
      args: undefined,
      surface: 'rest',
      requestId: req.id,
      rejected,
    });
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  return rejected;
}
