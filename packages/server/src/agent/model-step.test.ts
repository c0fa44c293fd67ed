import { describe, expect, it } from 'vitest';
import { stepFromCompletion, StreamedStep } from './model-step.js';

const chunk = (delta: unknown, finish: string | null = null) => ({
  id: 'c1',
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('model steps', () => {
  it('assembles streamed content and tool calls split across chunks', () => {
    const step = new StreamedStep('p');
    const texts = [
      step.accept(chunk({ role: 'assistant', content: '' }), 200),
      step.accept(chunk({ content: 'Look' }), 200),
      step.accept(chunk({ content: 'ing.' }), 200),
      step.accept(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '' } }] }), 200),
      step.accept(chunk({ tool_calls: [{ index: 1, id: 'call_2', function: { name: 'other', arguments: '{}' } }] }), 200),
      step.accept(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"id":' } }] }), 200),
      step.accept(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }), 200),
      step.accept(chunk({}, 'tool_calls'), 200),
      step.accept({ id: 'c1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }, 200),
    ];
    expect(texts.filter((t) => t !== undefined)).toEqual(['Look', 'ing.']);
    expect(step.result(200)).toMatchObject({
      content: 'Looking.',
      finishReason: 'tool_calls',
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      toolCalls: [
        { id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"id":1}' } },
        { id: 'call_2', type: 'function', function: { name: 'other', arguments: '{}' } },
      ],
    });
  });

  it('turns an error event in a stream into MODEL_PROVIDER_ERROR showing only a code-like field', () => {
    const step = new StreamedStep('p');
    expect(() => step.accept({ error: { code: 'rate limit for key sk-abc', message: 'x' } }, 200)).toThrow(/unrecognised code/);
  });

  it('reads a completion, giving tool calls without ids an id and object arguments as JSON text', () => {
    const step = stepFromCompletion(
      {
        choices: [
          { message: { content: null, tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] }, finish_reason: 'tool_calls' },
        ],
      },
      200,
      'p',
    );
    expect(step.toolCalls[0]?.id).toMatch(/^call_/);
    expect(step.toolCalls[0]?.function.arguments).toBe('{"a":1}');
    expect(step.usage).toBeUndefined();
  });

  it('refuses bodies that are not completions', () => {
    expect(() => stepFromCompletion({ choices: [] }, 200, 'p')).toThrow(/"p" answered HTTP 200 with no choices/);
    expect(() => stepFromCompletion([], 200, 'p')).toThrow(/not a JSON object/);
  });
});
