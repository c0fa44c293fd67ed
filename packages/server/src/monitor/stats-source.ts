import { Counter, Gauge, type Registry } from 'prom-client';

/** `gauge`: a level read as is (entries, bytes, breaker state); `counter`: a running total that only grows (hits). */
export type StatKind = 'gauge' | 'counter';

/** One row of a reading: its values, and its labels when the source reports several rows (one per plugin). */
export interface StatsRow<K extends string, L extends string> {
  readonly labels?: Readonly<Record<L, string>>;
  readonly values: Readonly<Record<K, number>>;
}

/**
 * Numbers another module keeps and metrics read at scrape time, such as a cache's
 * `{entries, bytes, hits, misses, stale, coalesced}`. Each key becomes the metric `<prefix>_<key>`
 * (counters get `_total`). `read` runs once per scrape, so it must be cheap; label values must come
 * from a bounded set (plugin names of the catalog, never caller input).
 */
export interface StatsSource<K extends string, L extends string = never> {
  /** e.g. `toolgate_response_cache`. */
  readonly prefix: string;
  readonly stats: { readonly [P in K]: { readonly kind: StatKind; readonly help: string } };
  readonly labelNames?: readonly L[];
  read(): Iterable<StatsRow<K, L>>;
}

/**
 * Registers a source's metrics and returns the function that refreshes them from one reading. Values are
 * replaced, not added to, and rows missing from a reading disappear (a removed plugin stops reporting).
 * A failing `read` leaves the metrics empty for that scrape, never stale, and the error goes to the caller.
 */
export function registerStatsSource<K extends string, L extends string>(registry: Registry, source: StatsSource<K, L>): () => void {
  const labelNames = (source.labelNames ?? []) as readonly string[];
  const keys = Object.keys(source.stats) as K[];
  const metrics = keys.map((key) => {
    const { kind, help } = source.stats[key];
    const metric =
      kind === 'counter'
        ? new Counter({ name: `${source.prefix}_${key}_total`, help, labelNames, registers: [registry] })
        : new Gauge({ name: `${source.prefix}_${key}`, help, labelNames, registers: [registry] });
    return { key, metric };
  });
  return () => {
    for (const { metric } of metrics) metric.reset();
    try {
      for (const row of source.read()) {
        const labels = row.labels ?? {};
        for (const { key, metric } of metrics) {
          const value = row.values[key];
          if (metric instanceof Counter) metric.inc(labels, value);
          else metric.set(labels, value);
        }
      }
    } catch (err) {
      // reset() alone would show an unlabelled metric as 0, which reads as a real value; remove it instead.
      for (const { metric } of metrics) {
        metric.reset();
        metric.remove({});
      }
      throw err;
    }
  };
}
