import { describe, expect, it } from 'vitest';
import type { ToolCallResult } from '../pipeline/call-types.js';
import { ERRORS } from '../core/errors.js';
import { GatewayError } from '../core/gateway-error.js';
import { mcpErrorMessage, toCallToolResult } from './call-tool-result.js';

const base: ToolCallResult = {
  callId: 'c1',
  tool: 'shop__get_order',
  definitionHash: 'h-call-tool-result-test',
  isError: false,
  upstreamStatus: 200,
  contentType: 'application/json',
  content: { id: 'ord_1', total: 12.5 },
  truncated: false,
};
const outputSchema = { type: 'object', properties: { id: { type: 'string' }, total: { type: 'number' } }, required: ['id'] };

describe('toCallToolResult', () => {
  it('gives JSON as text, and as structuredContent when the tool declares an output schema', () => {
    const plain = toCallToolResult(base, { fromMcpServer: false });
    expect(plain).toMatchObject({ content: [{ type: 'text', text: '{"id":"ord_1","total":12.5}' }], isError: false });
    expect(plain.structuredContent).toBeUndefined();
    const structured = toCallToolResult(base, { outputSchema, fromMcpServer: false });
    expect(structured.structuredContent).toEqual(base.content);
    expect(JSON.parse((structured.content[0] as { text: string }).text)).toEqual(structured.structuredContent);
    expect(structured._meta).toMatchObject({ 'toolgate/call': { callId: 'c1', upstreamStatus: 200 } });
  });

  it('passes text and upstream 4xx results on, the latter as isError', () => {
    expect(toCallToolResult({ ...base, content: 'plain text', contentType: 'text/plain' }, { fromMcpServer: false })).toMatchObject({
      content: [{ type: 'text', text: 'plain text' }],
      isError: false,
    });
    const failed = toCallToolResult(
      { ...base, isError: true, upstreamStatus: 404, content: { error: 'no such order' } },
      { outputSchema, fromMcpServer: false },
    );
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: '{"error":"no such order"}' }] });
    expect(failed.structuredContent).toBeUndefined();
  });

  it("keeps an MCP server's content blocks, structured content and isError", () => {
    const content = {
      content: [
        { type: 'text', text: 'hi' },
        { type: 'image', data: 'aGk=', mimeType: 'image/png' },
      ],
      structuredContent: { id: 'x' },
    };
    const result = toCallToolResult({ ...base, content }, { outputSchema, fromMcpServer: true });
    expect(result).toMatchObject({ content: content.content, structuredContent: { id: 'x' }, isError: false });
    const failed = toCallToolResult(
      { ...base, isError: true, content: { content: [{ type: 'text', text: 'boom' }], isError: true } },
      { fromMcpServer: true },
    );
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'boom' }] });
  });

  it('marks a result that cannot conform to the output schema as an error, keeping the data for the model', () => {
    const wrong = toCallToolResult({ ...base, content: { total: 'twelve' } }, { outputSchema, fromMcpServer: false });
    expect(wrong.isError).toBe(true);
    expect(wrong.structuredContent).toBeUndefined();
    expect(wrong.content.map((c) => (c as { text: string }).text).join('\n')).toMatch(/twelve[\s\S]*declared output schema/);
    const cut = toCallToolResult(
      { ...base, content: '{"id":"ord_1"…\n[truncated by Toolgate]', truncated: true },
      { outputSchema, fromMcpServer: false },
    );
    expect(cut.isError).toBe(true);
    expect(JSON.stringify(cut.content)).toContain('cut to the output limit');
  });
});

describe('mcpErrorMessage', () => {
  it("points an MCP caller at tools/list, not at the REST path of the table's default message", () => {
    const message = mcpErrorMessage(new GatewayError('TOOL_NOT_FOUND'));
    expect(message).toContain('tools/list');
    expect(message).not.toMatch(/\/v1\//);
  });

  it('keeps a message a stage wrote itself, and the default of codes that name no REST path', () => {
    expect(mcpErrorMessage(new GatewayError('TOOL_NOT_FOUND', { message: 'Not on this endpoint.' }))).toBe('Not on this endpoint.');
    expect(mcpErrorMessage(new GatewayError('ARGS_INVALID'))).toBe(ERRORS.ARGS_INVALID.message);
  });
});
