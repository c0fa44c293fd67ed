import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { streamChatTurn, type ToolCallEvent } from '../chat-stream.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../gateway-client.js';

const MAX_ARGS_SHOWN = 200;

/**
 * `toolgate chat`: a terminal chat through the gateway's chat endpoint with any configured model. The
 * gateway runs the tools; this shows each call, its decision and its time as it happens.
 */
export function addChatCommand(program: Command, cli: CliContext): void {
  program
    .command('chat [message...]')
    .description(
      'chat with a model through the gateway; each tool call is shown with its decision and time (one turn when a message is given)',
    )
    .option('-m, --model <name>', 'model to use (default: the first one GET /v1/models lists)')
    .option('-s, --system <text>', 'system prompt')
    .action(async (words: string[], opts: { model?: string; system?: string }) => {
      const client = cli.client();
      const { url, key } = program.opts<{ url: string; key: string }>();
      const model = opts.model ?? (await firstModel(() => client.request<{ data?: { id: string }[] }>('GET', '/v1/models')));
      const messages: { role: string; content: string }[] = opts.system !== undefined ? [{ role: 'system', content: opts.system }] : [];
      const out = (s: string): void => void process.stdout.write(s);

      const turn = async (line: string): Promise<void> => {
        messages.push({ role: 'user', content: line });
        let startedLine = false;
        const result = await streamChatTurn(
          { url, key, model, messages },
          {
            onText: (text) => {
              startedLine = true;
              out(text);
            },
            onToolCall: (event) => {
              if (startedLine) out('\n');
              startedLine = false;
              out(`${describeToolCall(event)}\n`);
            },
          },
        );
        out(startedLine || result.text === '' ? '\n' : '');
        messages.push({ role: 'assistant', content: result.text });
      };

      if (words.length > 0) return turn(words.join(' '));

      const interactive = process.stdin.isTTY;
      if (interactive) out(`Chatting with ${model} through ${url}. Tool calls are governed by the gateway. /exit to leave.\n`);
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
      const prompt = (): void => void (interactive ? rl.prompt() : undefined);
      rl.setPrompt('you> ');
      prompt();
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === '/exit' || line === '/quit') break;
        if (line !== '') {
          try {
            await turn(line);
          } catch (err) {
            // One failed turn (provider down, step limit) should not end the conversation.
            if (!(err instanceof CliError)) throw err;
            messages.pop();
            process.stderr.write(`toolgate: ${err.message}\n`);
          }
        }
        prompt();
      }
      rl.close();
    });
}

/** One line per event: `→ tool {args}` when it starts, `← tool allow 12.3 ms` (or the refusal) when it ends. */
export function describeToolCall(event: ToolCallEvent): string {
  if (event.phase === 'started') {
    const args = JSON.stringify(event.arguments ?? {});
    return `  → ${event.tool} ${args.length > MAX_ARGS_SHOWN ? `${args.slice(0, MAX_ARGS_SHOWN)}…` : args}`;
  }
  const ms = event.latencyMs !== undefined ? ` ${event.latencyMs.toFixed(1)} ms` : '';
  const why = event.errorCode !== undefined ? ` ${event.errorCode}` : '';
  return `  ← ${event.tool} ${event.decision ?? 'deny'}${why}${ms}`;
}

async function firstModel(list: () => Promise<{ data?: { id: string }[] }>): Promise<string> {
  const first = (await list()).data?.[0]?.id;
  if (first === undefined) throw new CliError('The gateway has no model configured. Add one under models.providers, or pass --model.');
  return first;
}
