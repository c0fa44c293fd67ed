import type { AuditDecision } from '../core/audit-event.js';
import type { ErrorCode } from '../core/errors.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { APPROVAL_STOPS, EXECUTION_ERRORS } from '../pipeline/call-audit.js';
import { runToolCall } from '../pipeline/run-tool-call.js';
import type { ChatMessage, ChatToolCall } from './chat-types.js';
import { envelopeToolResult } from './untrusted-envelope.js';

/**
 * What `toolgate chat` shows as calls happen (SSE `event: toolgate.tool_call`). `callId` is the model's
 * tool-call id, so a `started` and its `finished` pair up; `decision` is known only once finished.
 */
export interface ToolCallEvent {
  readonly phase: 'started' | 'finished';
  readonly callId: string;
  /** Our tool name (or the name as the model sent it, when no tool has it). */
  readonly tool: string;
  /** The model's arguments parsed from their JSON text; the text itself when it is not valid JSON. */
  readonly arguments: unknown;
  readonly decision?: AuditDecision;
  readonly errorCode?: ErrorCode;
  readonly latencyMs?: number;
  /** The audit record's id of a call that ran. */
  readonly auditCallId?: string;
}

/** A call the approval gate stopped; `approvalId` names its approval request (null when none could be made). */
export interface PendingApproval {
  readonly toolCallId: string;
  readonly tool: string;
  /** The arguments as parsed from the model's JSON text. */
  readonly arguments: unknown;
  readonly riskTier: string | undefined;
  readonly requiredBy: string | undefined;
  readonly message: string;
  readonly approvalId: string | null;
}

export interface ModelToolCall {
  readonly call: ChatToolCall;
  readonly toolName: string;
}

export interface ToolCallsOutcome {
  /** `role: tool` answers for the calls that were attempted, in order. */
  readonly toolMessages: ChatMessage[];
  /** Set when a call needs approval: the turn ends there and the remaining calls are not attempted. */
  readonly pendingApproval: PendingApproval | undefined;
}

/**
 * Runs the model's calls on gateway tools through the one pipeline, one after another (in the model's
 * order, and so a rate limit sees them as the model made them). Results go back inside an untrusted
 * envelope; refusals go back as errors the model can act on. Every attempt is audited by the pipeline.
 */
export async function runModelToolCalls(
  deps: PipelineDeps,
  ctx: { readonly credential: string | null; readonly requestId: string; readonly sourceIp?: string },
  calls: readonly ModelToolCall[],
  onEvent: (event: ToolCallEvent) => void,
): Promise<ToolCallsOutcome> {
  const toolMessages: ChatMessage[] = [];
  for (const { call, toolName } of calls) {
    const parsed = parseArguments(call.function.arguments);
    const base = { callId: call.id, tool: toolName, arguments: parsed.rejected ? call.function.arguments : parsed.args };
    onEvent({ phase: 'started', ...base });
    const started = performance.now();
    const latencyMs = (): number => Math.round((performance.now() - started) * 1000) / 1000;
    try {
      const result = await runToolCall(deps, {
        credential: ctx.credential,
        toolName,
        args: parsed.args,
        surface: 'chat',
        requestId: ctx.requestId,
        ...(ctx.sourceIp !== undefined ? { sourceIp: ctx.sourceIp } : {}),
        // The model's tool-call id: a client re-sending the same conversation does not ask for approval twice.
        idempotencyKey: `chat:${call.id}`,
        ...(parsed.rejected ? { rejected: parsed.rejected } : {}),
      });
      onEvent({ phase: 'finished', ...base, decision: 'allow', latencyMs: latencyMs(), auditCallId: result.callId });
      const provenance = {
        tool: result.tool,
        plugin: deps.catalog.get(result.tool)?.plugin.name ?? 'unknown',
        callId: result.callId,
        toolCallId: call.id,
        definitionHash: result.definitionHash,
        isError: result.isError,
        upstreamStatus: result.upstreamStatus,
        truncated: result.truncated,
      };
      toolMessages.push({ role: 'tool', tool_call_id: call.id, content: envelopeToolResult(provenance, result.content) });
    } catch (thrown) {
      const err = toGatewayError(thrown);
      const decision: AuditDecision = APPROVAL_STOPS.has(err.code)
        ? 'approval_required'
        : EXECUTION_ERRORS.has(err.code)
          ? 'allow'
          : 'deny';
      onEvent({ phase: 'finished', ...base, decision, errorCode: err.code, latencyMs: latencyMs() });
      if (APPROVAL_STOPS.has(err.code)) {
        return { toolMessages, pendingApproval: pendingApproval(call, toolName, parsed.args, err) };
      }
      toolMessages.push({ role: 'tool', tool_call_id: call.id, content: toolErrorContent(err) });
    }
  }
  return { toolMessages, pendingApproval: undefined };
}

/** Empty text means "no arguments"; text that is not JSON is refused through the pipeline, so it is audited. */
function parseArguments(text: string): { args: unknown; rejected?: GatewayError } {
  if (text.trim() === '') return { args: {} };
  try {
    return { args: JSON.parse(text) as unknown };
  } catch {
    return {
      args: undefined,
      rejected: new GatewayError('ARGS_INVALID', {
        message: 'The arguments are not valid JSON. Call the tool again with its arguments as one JSON object.',
        details: { path: '/', problem: 'is not valid JSON' },
        // Audit-only, and deliberately without the text: audit records never hold arguments.
        reason: 'the model sent arguments that are not valid JSON',
      }),
    };
  }
}

/** Our own error, not tool output: safe, caller-facing wording the model can act on. */
function toolErrorContent(err: GatewayError): string {
  return JSON.stringify({
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    },
  });
}

function pendingApproval(call: ChatToolCall, toolName: string, args: unknown, err: GatewayError): PendingApproval {
  const riskTier = typeof err.details?.['riskTier'] === 'string' ? err.details['riskTier'] : undefined;
  const requiredBy = typeof err.details?.['requiredBy'] === 'string' ? err.details['requiredBy'] : undefined;
  return {
    toolCallId: call.id,
    tool: toolName,
    arguments: args,
    riskTier,
    requiredBy,
    message: err.message,
    approvalId: typeof err.details?.['approvalId'] === 'string' ? err.details['approvalId'] : null,
  };
}

/** The assistant's answer when a turn stops for approval: which call waits, and why. */
export function approvalMessage(pending: PendingApproval): string {
  const why =
    pending.requiredBy === 'grant'
      ? 'a grant requires approval for it'
      : pending.riskTier !== undefined
        ? `its risk tier "${pending.riskTier}" requires approval`
        : 'policy requires approval for it';
  if (pending.approvalId === null) {
    return (
      `The tool call ${pending.toolCallId} to ${pending.tool} needs approval before it can run, because ${why}. ` +
      'It was not run. Ask an approver to approve it, then send the request again.'
    );
  }
  return (
    `The tool call ${pending.toolCallId} to ${pending.tool} needs approval before it can run, because ${why}. ` +
    `It was not run; approval request ${pending.approvalId} waits for an approver. Once approved, Toolgate runs it ` +
    `exactly once and keeps the result: see GET /v1/approvals/${pending.approvalId} (or toolgate approvals show ${pending.approvalId}).`
  );
}
