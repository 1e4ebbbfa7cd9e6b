import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import {
  collectDefaultMetrics,
  Gauge,
  type Metric,
  Registry as PromRegistry,
  type Registry,
} from 'prom-client';
import type { Supervisor } from '../../admission/supervisor.js';

/**
 * Gauges read from the supervisor at scrape time (nothing runs between scrapes): requests in flight
 * and the event-loop delay. The delay is the load shedder's own figure when shedding is on (the
 * number that decides refusals); with shedding off, a `monitorEventLoopDelay` histogram started on
 * the first scrape gives the worst delay since the previous scrape.
 */
export function addRuntimeGauges(registry: Registry, prefix: string, supervisor: Supervisor): () => void {
  let monitor: IntervalHistogram | undefined;
  new Gauge({
    name: `${prefix}in_flight_requests`,
    help: 'Requests admitted and not yet answered',
    registers: [registry],
    collect() {
      this.set(supervisor.inFlight);
    },
  });
  new Gauge({
    name: `${prefix}event_loop_delay_seconds`,
    help: 'Worst recent event-loop delay, in seconds (the load shedder window, else since the last scrape)',
    registers: [registry],
    // Across cluster workers, the worst of them.
    aggregator: 'max',
    collect() {
      if (supervisor.limits.maxEventLoopDelayMs > 0) {
        this.set(supervisor.shedder.delayMs / 1000);
        return;
      }
      if (monitor === undefined) {
        monitor = monitorEventLoopDelay({ resolution: 20 });
        monitor.enable();
      }
      // max is 0 before the first sample; the histogram reports nanoseconds.
      this.set(monitor.count > 0 ? monitor.max / 1e9 : 0);
      monitor.reset();
    },
  });
  return () => monitor?.disable();
}

/**
 * prom-client's process and heap metrics start timers and a GC observer that can never be stopped,
 * so they are built once per process and prefix and their metric objects are registered in each
 * metrics registry (a metric may belong to several), then removed from it on close.
 */
const processDefaults = new Map<string, PromRegistry>();

export function addDefaultMetrics(registry: Registry, prefix: string): () => void {
  let shared = processDefaults.get(prefix);
  if (shared === undefined) {
    shared = new PromRegistry();
    collectDefaultMetrics({ register: shared, prefix });
    processDefaults.set(prefix, shared);
  }
  const added: string[] = [];
  // getMetricsAsArray returns the metric objects themselves (typed as their plain description).
  for (const metric of shared.getMetricsAsArray() as unknown as Metric[]) {
    // A caller's registry may already collect them (with this prefix): keep theirs.
    const name = (metric as unknown as { name: string }).name;
    if (registry.getSingleMetric(name) !== undefined) continue;
    registry.registerMetric(metric);
    added.push(name);
  }
  return () => {
    for (const name of added) registry.removeSingleMetric(name);
  };
}
