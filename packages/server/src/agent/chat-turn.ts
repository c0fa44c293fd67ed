import { randomUUID } from 'node:crypto';
import { openAuditEvent, type AuditEvent } from '../core/audit-event.js';
import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import { listTools } from '../pipeline/list-tools.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { parseChatRequest, type ChatRequest } from './chat-request.js';
import { addUsage, emptyUsage, type ChatMessage, type ChatToolCall, type ChatUsage } from './chat-types.js';
import type { ModelRouter } from './model-router.js';
import { callTarget, offerTools, type OfferedTools } from './offered-tools.js';
import { callModel } from './provider-client.js';
import { approvalMessage, runModelToolCalls, type PendingApproval, type ToolCallEvent } from './run-model-tool-calls.js';
import { UNTRUSTED_DATA_SYSTEM_MESSAGE } from './untrusted-envelope.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ChatEngineDeps {
  readonly pipeline: PipelineDeps;
  readonly models: ModelRouter;
  /** Model calls per turn before CHAT_STEP_LIMIT. */
  readonly maxSteps: number;
}

export interface ChatTurnInput {
  readonly credential: string | null;
  readonly body: unknown;
  readonly requestId: string;
  /** The caller's address, for policies on the network (context.sourceIp). */
  readonly sourceIp?: string;
  /** `X-Toolgate-Tool-Execution` header, if sent. */
  readonly executionHeader: string | undefined;
  /** Aborts model calls when the caller goes away. */
  readonly signal: AbortSignal;
  /**
   * Set when the framework refused the body before the handler ran (malformed JSON, over the size limit): the
   * turn still authenticates the caller and writes its `chat` audit event, then stops with this error.
   */
  readonly rejected?: GatewayError;
}

/** Receives the turn as it happens, for streaming; every callback is optional. */
export interface ChatTurnObserver {
  /** Once the request is accepted, before the first model call. */
  onStart?(meta: ChatTurnMeta): void;
  onContent?(text: string): void;
  onToolEvent?(event: ToolCallEvent): void;
}

export interface ChatTurnMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export interface ChatTurnResult extends ChatTurnMeta {
  readonly content: string | null;
  /** Calls the client runs (its own tools, or all of them under `tool_execution: client`). */
  readonly toolCalls: ChatToolCall[];
  readonly finishReason: string;
  readonly usage: ChatUsage;
  readonly pendingApproval: PendingApproval | undefined;
  /** The client asked for a usage chunk at the end of the stream. */
  readonly includeUsage: boolean;
}

/** Text of successive steps joined so that a streamed answer and the final message read the same. */
const STEP_TEXT_SEPARATOR = '\n\n';

/**
 * One chat turn: authenticate, offer the caller's tools, call the model, run its gateway tool calls
 * through the pipeline and feed the results back, until it answers (or hands calls to the client, or a
 * call needs approval), at most `maxSteps` model calls. One `chat` audit event is written per turn.
 */
export async function runChatTurn(deps: ChatEngineDeps, input: ChatTurnInput, observer: ChatTurnObserver = {}): Promise<ChatTurnResult> {
  const started = performance.now();
  const audit: Mutable<AuditEvent> = openAuditEvent({
    callId: randomUUID(),
    time: new Date(deps.pipeline.clock.now()).toISOString(),
    type: 'chat',
    surface: 'chat',
    requestId: input.requestId,
    environment: deps.pipeline.settings.environment,
    action: 'chat.completions',
  });
  const tally = { model: '', provider: '', steps: 0, toolCalls: 0, ending: '' };
  try {
    const { principal, entries } = await listTools(deps.pipeline, {
      credential: input.credential,
      surface: 'chat',
      requestId: input.requestId,
    });
    audit.principalId = principal.id;
    audit.principalName = principal.name;
    if (input.rejected) throw input.rejected;
    const request = parseChatRequest(input.body, input.executionHeader);
    tally.model = request.model;
    const provider = deps.models.resolve(request.model);
    tally.provider = provider.name;
    const offered = offerTools(entries, request.clientTools);
    const meta: ChatTurnMeta = {
      id: `chatcmpl-${audit.callId}`,
      created: Math.floor(deps.pipeline.clock.now() / 1000),
      model: request.model,
    };
    observer.onStart?.(meta);

    const gatewayRuns = request.toolExecution === 'gateway' && offered.gatewayCount > 0;
    const conversation: ChatMessage[] = gatewayRuns ? [UNTRUSTED_DATA_SYSTEM_MESSAGE, ...request.messages] : [...request.messages];
    const usage = emptyUsage();
    const texts: string[] = [];
    audit.decision = 'allow';
    while (tally.steps < deps.maxSteps) {
      tally.steps += 1;
      let stepText = '';
      const step = await callModel(provider, {
        body: stepBody(request, offered, conversation, tally.steps),
        stream: request.stream,
        signal: input.signal,
        onContent: (text) => {
          if (stepText === '' && texts.length > 0) observer.onContent?.(STEP_TEXT_SEPARATOR);
          stepText += text;
          observer.onContent?.(text);
        },
      });
      audit.upstreamStatus = step.status;
      addUsage(usage, step.usage);
      if (step.content !== null && step.content !== '') texts.push(step.content);
      const content = texts.length > 0 ? texts.join(STEP_TEXT_SEPARATOR) : null;
      const done = (ending: string, rest: Pick<ChatTurnResult, 'toolCalls' | 'finishReason' | 'pendingApproval'>): ChatTurnResult => {
        tally.ending = ending;
        audit.outcome = 'success';
        return { ...meta, content, usage, includeUsage: request.includeUsage, ...rest };
      };
      if (step.toolCalls.length === 0) {
        return done('answered', { toolCalls: [], finishReason: step.finishReason ?? 'stop', pendingApproval: undefined });
      }
      tally.toolCalls += step.toolCalls.length;
      const targets = step.toolCalls.map((call) => ({ call, target: callTarget(offered, call.function.name) }));
      // The client runs the calls when it asked to, or when any is on its own tools: running only part of
      // a step would leave the conversation it continues with calls that have no answers.
      if (request.toolExecution === 'client' || targets.some((t) => t.target.kind === 'client')) {
        return done('tool calls returned to the client', {
          toolCalls: step.toolCalls,
          finishReason: 'tool_calls',
          pendingApproval: undefined,
        });
      }
      // Calls the model could never see the results of are not run: they would only have side effects.
      if (tally.steps === deps.maxSteps) break;
      conversation.push({ role: 'assistant', content: step.content, tool_calls: step.toolCalls });
      const outcome = await runModelToolCalls(
        deps.pipeline,
        { credential: input.credential, requestId: input.requestId, ...(input.sourceIp !== undefined ? { sourceIp: input.sourceIp } : {}) },
        targets.map(({ call, target }) => ({ call, toolName: target.kind === 'gateway' ? target.toolName : call.function.name })),
        (event) => observer.onToolEvent?.(event),
      );
      if (outcome.pendingApproval) {
        const text = approvalMessage(outcome.pendingApproval);
        observer.onContent?.(texts.length > 0 ? `${STEP_TEXT_SEPARATOR}${text}` : text);
        texts.push(text);
        const result = done(`approval required for ${outcome.pendingApproval.tool}`, {
          toolCalls: [],
          finishReason: 'stop',
          pendingApproval: outcome.pendingApproval,
        });
        return { ...result, content: texts.join(STEP_TEXT_SEPARATOR) };
      }
      conversation.push(...outcome.toolMessages);
    }
    throw new GatewayError('CHAT_STEP_LIMIT', {
      message: `The model was still calling tools after ${deps.maxSteps} steps. Ask a narrower question, or ask an administrator to raise models.maxSteps.`,
      details: { maxSteps: deps.maxSteps },
      reason: 'step limit reached',
    });
  } catch (thrown) {
    // A model already called means the turn ran and failed; a refusal before that is a denial.
    audit.outcome = tally.steps > 0 ? 'error' : 'not_run';
    if (input.signal.aborted && !(thrown instanceof GatewayError)) {
      tally.ending = 'the caller disconnected';
      throw thrown;
    }
    const err = toGatewayError(thrown);
    if (!(thrown instanceof GatewayError)) {
      deps.pipeline.logger.error({ err: thrown, requestId: input.requestId }, 'unexpected error in chat turn');
    }
    audit.errorCode = err.code;
    tally.ending = err.reason ?? err.message;
    throw err;
  } finally {
    audit.reason = describeTurn(tally);
    audit.latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    await deps.pipeline.audit.append(audit);
  }
}

/** The provider request for one step. */
function stepBody(request: ChatRequest, offered: OfferedTools, messages: ChatMessage[], step: number): Record<string, unknown> {
  const { tool_choice: toolChoice, parallel_tool_calls: parallel, ...forwarded } = request.forwarded;
  const hasTools = offered.definitions.length > 0;
  // A forced tool choice applies to the first step only; forcing it on every step would loop to the step limit.
  const keepChoice = toolChoice !== undefined && (step === 1 || toolChoice === 'none' || toolChoice === 'auto');
  return {
    ...forwarded,
    model: request.model,
    messages,
    // Tool parameters without tools are refused by OpenAI, and a caller may have no tools at all.
    ...(hasTools ? { tools: offered.definitions } : {}),
    ...(hasTools && keepChoice ? { tool_choice: toolChoice } : {}),
    ...(hasTools && parallel !== undefined ? { parallel_tool_calls: parallel } : {}),
  };
}

function describeTurn(t: { model: string; provider: string; steps: number; toolCalls: number; ending: string }): string {
  const who = t.model === '' ? 'no model' : `model ${t.model} via ${t.provider === '' ? 'no provider' : `provider ${t.provider}`}`;
  return `${who}; ${t.steps} step${t.steps === 1 ? '' : 's'}; ${t.toolCalls} tool call${t.toolCalls === 1 ? '' : 's'}; ${t.ending || 'ended'}`;
}
