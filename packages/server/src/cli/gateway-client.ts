/** A thin admin/REST API client for CLI commands; every command other than `serve` goes through it. */
export interface ClientOptions {
  readonly url: string;
  readonly key: string | undefined;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class GatewayClient {
  constructor(private readonly opts: ClientOptions) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.key) headers['authorization'] = `Bearer ${this.opts.key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, this.opts.url), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new CliError(`Cannot reach the gateway at ${this.opts.url} (${cause}). Start it with "toolgate serve" or set TOOLGATE_URL.`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      const details = error?.details !== undefined ? `\n  details: ${JSON.stringify(error.details)}` : '';
      throw new CliError(`${error?.code ?? `HTTP ${res.status}`}: ${error?.message ?? text}${details}`);
    }
    return parsed as T;
  }
}
