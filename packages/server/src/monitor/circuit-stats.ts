import type { CircuitStates, CircuitView } from '../ports/circuit-states.js';
import type { ToolCatalog } from '../ports/tool-catalog.js';
import type { StatsRow, StatsSource } from './stats-source.js';

/** Prometheus has no enums: the state is a number, ordered so that "higher is worse". */
const STATE_VALUE: Record<CircuitView['state'], number> = { closed: 0, 'half-open': 1, open: 2 };

/** `toolgate_circuit_state{plugin}` and `toolgate_circuit_failures{plugin}` for every plugin with tools in the catalog. */
export function circuitStats(catalog: ToolCatalog, circuits: CircuitStates): StatsSource<'state' | 'failures', 'plugin'> {
  return {
    prefix: 'toolgate_circuit',
    labelNames: ['plugin'],
    stats: {
      state: {
        kind: 'gauge',
        help: 'Circuit breaker state per plugin: 0 closed, 1 half-open (next call is a probe), 2 open (calls refused).',
      },
      failures: { kind: 'gauge', help: 'Consecutive upstream failures counted towards opening the circuit, per plugin.' },
    },
    read: () => {
      const plugins = new Set(catalog.list().map((entry) => entry.plugin.name));
      const rows: StatsRow<'state' | 'failures', 'plugin'>[] = [];
      for (const plugin of plugins) {
        const view = circuits.circuitState(plugin);
        rows.push({ labels: { plugin }, values: { state: STATE_VALUE[view.state], failures: view.failures } });
      }
      return rows;
    },
  };
}
