import { describe, expect, it } from 'vitest';
import { asPlainToolCall } from './plain-tool-call.js';

const HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
const call = (params: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params, ...extra });

describe('asPlainToolCall: which requests the gateway answers itself', () => {
  it('takes one tools/call with a name, object arguments and no progress token', () => {
    expect(asPlainToolCall(call({ name: 'a__b', arguments: { x: 1 } }), HEADERS)).toEqual({ id: 1, name: 'a__b', args: { x: 1 } });
    expect(asPlainToolCall(call({ name: 'a__b' }, { id: 'req-1' }), { ...HEADERS, 'mcp-protocol-version': '2025-11-25' })).toEqual({
      id: 'req-1',
      name: 'a__b',
      args: undefined,
    });
    expect(asPlainToolCall(call({ name: 'a__b', _meta: { trace: 'x' } }), HEADERS)).toMatchObject({ name: 'a__b' });
  });

  it('leaves everything else to the SDK', () => {
    const leave: [unknown, Record<string, string>][] = [
      [call({ name: 'a__b' }), { accept: 'application/json' }],
      [call({ name: 'a__b' }), { accept: 'text/event-stream' }],
      [call({ name: 'a__b' }), { ...HEADERS, 'mcp-protocol-version': '1999-01-01' }],
      [[call({ name: 'a__b' })], HEADERS],
      [call({ name: 'a__b' }, { method: 'tools/list' }), HEADERS],
      [call({ name: 'a__b' }, { jsonrpc: '1.0' }), HEADERS],
      [call({ name: 'a__b' }, { id: 1.5 }), HEADERS],
      [call({ name: 'a__b' }, { id: null }), HEADERS],
      [call({ name: 42 }), HEADERS],
      [call({ name: 'a__b', arguments: ['x'] }), HEADERS],
      [call({ name: 'a__b', arguments: null }), HEADERS],
      [call({ name: 'a__b', _meta: { progressToken: 'p' } }), HEADERS],
      [call({ name: 'a__b', task: { ttl: 1 } }), HEADERS],
      [call(null), HEADERS],
      ['not json', HEADERS],
    ];
    for (const [message, headers] of leave) expect(asPlainToolCall(message, headers)).toBeUndefined();
  });
});
