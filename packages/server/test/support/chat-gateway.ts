import { startScriptedModelServer, type ScriptedModelServer } from './scripted-model-server.js';
import { startTestGateway, type TestGateway } from './test-gateway.js';

/** The provider key the gateway reads from the environment; tests check it reaches the provider and nothing else. */
export const PROVIDER_KEY = 'sk-scripted-provider-key-0123456789';
export const PROVIDER_KEY_ENV = 'TOOLGATE_TEST_SCRIPTED_MODEL_KEY';

export interface ChatGateway {
  readonly t: TestGateway;
  readonly model: ScriptedModelServer;
  close(): Promise<void>;
}

/**
 * A gateway with the example orders plugin (granted to role admin) and a scripted model server as two
 * providers: `scripted` serves `test-model` with a key, `slow` serves `slow-model` with a 300 ms timeout.
 */
export async function startChatGateway(env: Record<string, string> = {}): Promise<ChatGateway> {
  process.env[PROVIDER_KEY_ENV] = PROVIDER_KEY;
  const model = await startScriptedModelServer({ models: ['test-model'] });
  const providers = [
    { name: 'scripted', baseUrl: model.url, apiKeyEnv: PROVIDER_KEY_ENV, models: ['test-model'] },
    { name: 'slow', baseUrl: model.url, models: ['slow-model'], timeoutMs: 300 },
  ];
  const t = await startTestGateway({
    TOOLGATE_EXAMPLES__ORDERS: 'true',
    TOOLGATE_MODELS__PROVIDERS: JSON.stringify(providers),
    ...env,
  });
  return {
    t,
    model,
    close: async () => {
      await t.close();
      await model.close();
    },
  };
}

export interface SseEvent {
  /** The `event:` field, when one was sent. */
  readonly event: string | undefined;
  readonly data: string;
}

/** POSTs a chat request and reads the whole answer; SSE answers are split into events. */
export async function postChat(
  t: TestGateway,
  key: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; events: SseEvent[] }> {
  const res = await fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const events = (res.headers.get('content-type') ?? '').includes('text/event-stream') ? parseSse(text) : [];
  return { status: res.status, headers: res.headers, text, events };
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      return { event, data };
    });
}
