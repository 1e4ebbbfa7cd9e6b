import { Counter, Gauge, type Registry } from 'prom-client';
import type { StatusBoard, UpstreamStatus } from '../../server/status-board.js';

type Figure = (status: UpstreamStatus) => number;

const GAUGES: [name: string, help: string, figure: Figure, aggregator: 'sum' | 'min' | 'max'][] = [
  [
    'gateway_upstream_up',
    '1 while the upstream is connected, else 0',
    (u) => (u.state === 'up' ? 1 : 0),
    'min',
  ],
  [
    'gateway_upstream_circuit_open',
    "1 while the upstream's circuit breaker is open (its calls fail fast), else 0",
    (u) => (u.circuit === 'open' ? 1 : 0),
    'max',
  ],
  ['gateway_upstream_connections', 'Connections to the upstream that are up', (u) => u.connections, 'sum'],
  ['gateway_upstream_busy_connections', 'Connections carrying a call', (u) => u.busy, 'sum'],
  ['gateway_upstream_waiting_calls', 'Calls waiting for a free connection', (u) => u.waiting, 'sum'],
];

const COUNTERS: [name: string, help: string, figure: Figure][] = [
  ['gateway_upstream_calls_total', 'Requests sent to the upstream', (u) => u.calls],
  [
    'gateway_upstream_failures_total',
    'Requests to the upstream that failed in transport (unreachable, timed out, circuit open)',
    (u) => u.failures,
  ],
];

/** The metric names of a gateway's upstreams (without prefix). */
export const UPSTREAM_METRIC_NAMES = [...GAUGES.map(([name]) => name), ...COUNTERS.map(([name]) => name)];

/**
 * A gateway's upstreams, read from the server's status board at scrape time (nothing runs between
 * scrapes; a server that fronts no upstreams exposes the metrics without samples). Labelled by
 * upstream name, which comes from the gateway's configuration, so the label set is bounded.
 */
export function addUpstreamMetrics(registry: Registry, prefix: string, status: StatusBoard): void {
  for (const [name, help, figure, aggregator] of GAUGES) {
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['upstream'],
      registers: [registry],
      aggregator,
      collect() {
        this.reset();
        for (const upstream of status.upstreams() ?? [])
          this.set({ upstream: upstream.name }, figure(upstream));
      },
    });
  }
  for (const [name, help, figure] of COUNTERS) {
    new Counter({
      name: `${prefix}${name}`,
      help,
      labelNames: ['upstream'],
      registers: [registry],
      collect() {
        // The upstream keeps the running count; the counter shows it as it stands.
        this.reset();
        for (const upstream of status.upstreams() ?? [])
          this.inc({ upstream: upstream.name }, figure(upstream));
      },
    });
  }
}
