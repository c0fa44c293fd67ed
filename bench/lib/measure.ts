import autocannon from 'autocannon';
import { Pool } from 'undici';

/** One HTTP call the load generator repeats. */
export interface Call {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface Measured {
  readonly clients: number;
  readonly calls: number;
  readonly callsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/**
 * One client: a sequential loop over one keep-alive connection, timed with performance.now(), because
 * autocannon reports whole milliseconds, too coarse for a sub-millisecond budget.
 */
export async function sequential(call: Call, seconds: number): Promise<Measured> {
  const url = new URL(call.url);
  const pool = new Pool(url.origin, { connections: 1, keepAliveTimeout: 60_000 });
  const path = url.pathname + url.search;
  const samples: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  try {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ path, method: call.method, headers: call.headers, body: call.body });
        await res.body.text();
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
      } catch {
        errors++;
      }
      samples.push(performance.now() - t0);
    }
  } finally {
    await pool.close();
  }
  const elapsed = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return {
    clients: 1,
    calls: samples.length,
    callsPerSec: Math.round(samples.length / elapsed),
    p50Ms: round3(percentile(samples, 0.5)),
    p99Ms: round3(percentile(samples, 0.99)),
    errors,
    non2xx,
  };
}

/** Many clients at once: autocannon, each connection keep-alive, no pipelining. */
export async function concurrent(call: Call, connections: number, seconds: number): Promise<Measured> {
  const result = await autocannon({
    url: call.url,
    connections,
    duration: seconds,
    method: call.method,
    headers: call.headers,
    body: call.body,
  });
  return {
    clients: connections,
    calls: result.requests.total,
    callsPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** The value below which the fraction `p` of the sorted samples lie. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

export const round3 = (n: number): number => Math.round(n * 1000) / 1000;
