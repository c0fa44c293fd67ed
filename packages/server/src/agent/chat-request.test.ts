import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './chat-request.js';

const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown, header?: string): { path?: unknown; message: string } {
  try {
    parseChatRequest(body, header);
  } catch (err) {
    const e = err as { code: string; message: string; details?: { path?: unknown } };
    expect(e.code).toBe('BAD_REQUEST');
    return { path: e.details?.path, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('parseChatRequest', () => {
  it('keeps known OpenAI parameters for the provider and reads its own fields', () => {
    const req = parseChatRequest(
      { ...base, temperature: 0, max_tokens: 5, stream: true, stream_options: { include_usage: true } },
      undefined,
    );
    expect(req.forwarded).toEqual({ temperature: 0, max_tokens: 5 });
    expect(req).toMatchObject({ stream: true, includeUsage: true, toolExecution: 'gateway', clientTools: [] });
  });

  it('refuses unknown and deprecated fields, naming them', () => {
    expect(refusal({ ...base, temprature: 1 }).path).toBe('body/temprature');
    expect(refusal({ ...base, function_call: 'auto' }).message).toContain('"tools"');
    expect(refusal({ ...base, n: 2 }).path).toBe('body/n');
  });

  it('checks messages: present, known roles, tool messages answer a call', () => {
    expect(refusal({ model: 'm' }).path).toBe('body/messages');
    expect(refusal({ ...base, messages: [{ role: 'function', content: 'x' }] }).path).toBe('body/messages/0/role');
    expect(refusal({ ...base, messages: [{ role: 'tool', content: 'x' }] }).path).toBe('body/messages/0/tool_call_id');
    expect(refusal('text').path).toBe('body');
  });

  it('takes client execution from the field or the header', () => {
    expect(parseChatRequest({ ...base, tool_execution: 'client' }, undefined).toolExecution).toBe('client');
    expect(parseChatRequest(base, 'client').toolExecution).toBe('client');
    expect(refusal(base, 'sometimes').path).toBe('headers/x-toolgate-tool-execution');
  });

  it('refuses a client tool whose name a model could not send', () => {
    expect(refusal({ ...base, tools: [{ type: 'function', function: { name: 'has space' } }] }).path).toBe('body/tools/0/function/name');
  });
});
