/**
 * Benchmark (not a test): the cost of the secrets and PII output filter (guard/) on one tool result, as
 * the pipeline's filterOutput stage pays it on every call. A realistic ~1 KB JSON body (orders with ids,
 * UUIDs, timestamps, amounts, SHAs) without findings, and the same body carrying secrets and personal
 * data. Prints microseconds per call (median and p99 over N calls, after a warm-up).
 *
 *   npx tsx bench/output-filter.ts
 *   BENCH_CALLS=200000 npx tsx bench/output-filter.ts
 */
import { OutputGuard } from '../packages/server/src/guard/output-guard.js';

const calls = Number(process.env['BENCH_CALLS'] ?? 50_000);
const warmup = Math.max(5_000, Math.floor(calls / 5));

function order(i: number): Record<string, unknown> {
  return {
    id: `ord_${1000 + i}`,
    uuid: `3f2b8c1e-9d4a-4e7b-8c2f-${String(100000000000 + i)}`,
    status: i % 2 === 0 ? 'shipped' : 'pending',
    createdAt: `2026-03-0${i + 1}T10:15:30.123Z`,
    total: { amount: 129.95 + i, currency: 'EUR' },
    commit: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    note: 'Leave the parcel at the front desk.',
  };
}

const clean = { orders: [order(0), order(1), order(2), order(3)], nextPageToken: 'c2VjcmV0LWN1cnNvci0x', count: 4 };
const dirty = structuredClone(clean) as { orders: Record<string, unknown>[] };
const [first, second] = dirty.orders;
if (first === undefined || second === undefined) throw new Error('unreachable');
first['note'] = 'Customer alice.smith@example.com paid with 4111 1111 1111 1111.';
second['note'] = 'deploy key AKIAIOSFODNN7EXAMPLE leaked';

function measure(label: string, body: unknown): void {
  const filter = new OutputGuard({ secrets: 'redact', pii: 'redact' }).forTool('shop', 'shop__list_orders');
  const bytes = JSON.stringify(body).length;
  for (let i = 0; i < warmup; i++) filter.filter(body);
  const samples = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    filter.filter(body);
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  const us = (q: number) => ((samples[Math.min(calls - 1, Math.floor(q * calls))] ?? 0) * 1000).toFixed(2);
  const findings =
    filter
      .filter(body)
      .redactions.map((r) => `${r.kind}×${r.count}`)
      .join(' ') || 'none';
  console.log(
    `${label.padEnd(16)} ${String(bytes).padStart(5)} B   median ${us(0.5).padStart(6)} µs   p99 ${us(0.99).padStart(6)} µs   findings: ${findings}`,
  );
}

measure('no findings', clean);
measure('with findings', dirty);
