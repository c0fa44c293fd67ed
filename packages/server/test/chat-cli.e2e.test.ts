import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeToolCall } from '../src/cli/commands/chat-command.js';
import { startChatGateway, type ChatGateway } from './support/chat-gateway.js';
import { CLI_ENTRY, runCli } from './support/run-cli.js';
import { auditFor } from './support/test-gateway.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `toolgate chat` with the given lines on stdin (a conversation that is not a terminal). */
function chatWithStdin(
  args: string[],
  env: Record<string, string>,
  lines: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOOLGATE_')));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'chat', ...args], {
      cwd: REPO_ROOT,
      env: { ...cleanEnv, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

describe('toolgate chat', () => {
  let chat: ChatGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    chat = await startChatGateway();
    env = { TOOLGATE_URL: chat.t.url, TOOLGATE_API_KEY: chat.t.adminKey };
  });
  afterAll(async () => chat.close());
  beforeEach(() => chat.model.reset());

  it('runs one turn, showing each tool call with its decision and time as it happens, then the answer', async () => {
    chat.model.enqueue(
      { toolCalls: [{ name: 'orders__get_order', arguments: { orderId: 'ord_1001' } }] },
      { toolCalls: [{ name: 'orders__delete_order', arguments: { orderId: 'ord_1001' } }] },
      { content: 'Order ord_1001 is paid.' },
    );
    const run = await runCli(['chat', '-m', 'test-model', 'What is the status of order ord_1001?'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('  → orders__get_order {"orderId":"ord_1001"}');
    expect(lines.some((l) => /^ {2}← orders__get_order allow \d+\.\d ms$/.test(l))).toBe(true);
    // The destructive call is held for approval: the turn ends with the gateway's message, not the model's.
    expect(lines.some((l) => l.startsWith('  ← orders__delete_order approval_required APPROVAL_PENDING'))).toBe(true);
    // The started line comes before its finished line, and both before the answer text.
    const started = run.stdout.indexOf('→ orders__get_order');
    const finished = run.stdout.indexOf('← orders__get_order');
    expect(started).toBeGreaterThanOrEqual(0);
    expect(finished).toBeGreaterThan(started);
    expect(run.stdout.toLowerCase()).toContain('approval');
    const [audited] = await auditFor(chat.t, 'orders__get_order');
    expect(audited).toMatchObject({ surface: 'chat', decision: 'allow', outcome: 'success' });
  }, 60_000);

  it('keeps a conversation from stdin and sends the history with each turn', async () => {
    chat.model.enqueue({ content: 'Hello! How can I help?' }, { content: 'You asked about orders.' });
    const run = await chatWithStdin(['-m', 'test-model', '-s', 'Be brief.'], env, ['hi', '', 'what did I ask?', '/exit']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Hello! How can I help?');
    expect(run.stdout).toContain('You asked about orders.');
    const second = chat.model.chatRequests()[1]?.body as { messages: { role: string; content: unknown }[] };
    const texts = second.messages
      .filter((m) => m.role !== 'system' || m.content === 'Be brief.')
      .map((m) => `${m.role}:${String(m.content)}`);
    expect(texts).toEqual(['system:Be brief.', 'user:hi', 'assistant:Hello! How can I help?', 'user:what did I ask?']);
  }, 60_000);

  it('reports a failed turn with its error code and goes on with the conversation', async () => {
    chat.model.enqueue({ status: 500 }, { content: 'Back again.' });
    const run = await chatWithStdin(['-m', 'test-model'], env, ['first', 'second']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('MODEL_PROVIDER_ERROR');
    expect(run.stdout).toContain('Back again.');
    // The failed user message is not kept in the history.
    const second = chat.model.chatRequests()[1]?.body as { messages: { role: string; content: unknown }[] };
    expect(second.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['second']);
  }, 60_000);

  it('picks the first configured model when none is given, and refuses an unknown one clearly', async () => {
    chat.model.enqueue({ content: 'Default model here.' });
    const run = await runCli(['chat', 'hello'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Default model here.');
    const bad = await runCli(['chat', '-m', 'no-such-model', 'hello'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('MODEL_NOT_FOUND');
  }, 60_000);
});

describe('describeToolCall', () => {
  it('prints the refusal code and the time on the finished line, and cuts long arguments', () => {
    expect(describeToolCall({ phase: 'finished', tool: 'x', decision: 'deny', errorCode: 'TOOL_NOT_FOUND', latencyMs: 1.234 })).toBe(
      '  ← x deny TOOL_NOT_FOUND 1.2 ms',
    );
    const long = describeToolCall({ phase: 'started', tool: 'x', arguments: { text: 'a'.repeat(500) } });
    expect(long.length).toBeLessThan(230);
    expect(long.endsWith('…')).toBe(true);
  });
});
