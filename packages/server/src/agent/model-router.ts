import type { ModelProviderConfig } from '../config/config-schema.js';
import { GatewayError } from '../core/gateway-error.js';

/**
 * One configured OpenAI-compatible provider. The API key lives in a private field so it cannot reach
 * a log line, an audit record or a response by way of serializing the provider.
 */
export class ModelProvider {
  readonly name: string;
  readonly baseUrl: string;
  readonly models: readonly string[];
  readonly timeoutMs: number;
  readonly #apiKey: string | undefined;

  constructor(config: Pick<ModelProviderConfig, 'name' | 'baseUrl' | 'models' | 'timeoutMs'>, apiKey: string | undefined) {
    this.name = config.name;
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.models = config.models;
    this.timeoutMs = config.timeoutMs;
    this.#apiKey = apiKey;
  }

  /** Headers for a request to this provider: its own key only, never anything the caller sent. */
  requestHeaders(): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(this.#apiKey !== undefined ? { authorization: `Bearer ${this.#apiKey}` } : {}),
    };
  }

  toJSON(): object {
    return { name: this.name, baseUrl: this.baseUrl, models: this.models, timeoutMs: this.timeoutMs };
  }
}

/** Picks the provider for a model name: the one listing it exactly, else the first listing "*". */
export class ModelRouter {
  readonly #providers: readonly ModelProvider[];

  constructor(providers: readonly ModelProvider[]) {
    this.#providers = providers;
  }

  resolve(model: string): ModelProvider {
    const found = this.#providers.find((p) => p.models.includes(model)) ?? this.#providers.find((p) => p.models.includes('*'));
    if (!found) {
      throw new GatewayError('MODEL_NOT_FOUND', {
        message: `No configured model provider serves model "${model}". Use a model listed by GET /v1/models, or ask an administrator to add it under models.providers.`,
        details: { model },
      });
    }
    return found;
  }

  /** Every model name configured exactly, with its provider, in configuration order ("*" is not a name). */
  listModels(): { model: string; provider: string }[] {
    const seen = new Set<string>();
    const out: { model: string; provider: string }[] = [];
    for (const p of this.#providers) {
      for (const model of p.models) {
        if (model === '*' || seen.has(model)) continue;
        seen.add(model);
        out.push({ model, provider: p.name });
      }
    }
    return out;
  }
}

/**
 * Builds the router from configuration, reading each key from its environment variable once, at start.
 * A named variable that is unset stops start-up: a provider that would answer 401 on every turn is a
 * configuration mistake better reported now than on the first chat.
 */
export function modelRouterFromConfig(configs: readonly ModelProviderConfig[], env: NodeJS.ProcessEnv): ModelRouter {
  const names = new Set<string>();
  const providers = configs.map((config, i) => {
    if (names.has(config.name)) {
      throw new GatewayError('CONFIG_INVALID', {
        message: `Invalid configuration: field "models.providers.${i}.name": "${config.name}" is used twice. Fix: give each provider its own name.`,
      });
    }
    names.add(config.name);
    let key: string | undefined;
    if (config.apiKeyEnv !== undefined) {
      key = env[config.apiKeyEnv];
      if (key === undefined || key === '') {
        throw new GatewayError('CONFIG_INVALID', {
          message: `Invalid configuration: field "models.providers.${i}.apiKeyEnv": environment variable ${config.apiKeyEnv} is not set. Fix: set it to the provider's API key, or remove apiKeyEnv for a provider that needs none.`,
        });
      }
    }
    return new ModelProvider(config, key);
  });
  return new ModelRouter(providers);
}
