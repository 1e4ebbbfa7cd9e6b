import {
  AggregatorRegistry,
  Counter,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';
import { channels, type RestartEvent } from '../../core/diagnostics.js';
import { mergeSnapshots } from '../../observability/observer/merge-snapshots.js';
import type { ObserverSource } from '../../observability/observer/observer-handler.js';
import type { ObserverSnapshot, SessionView } from '../../observability/observer/observer-state.js';
import type { HttpServerHandle, ServeHttpOptions } from '../serve-http.js';
import { serveGathering, workerGathering } from './cluster-gather.js';

/** One registry's figures as prom-client's JSON (what `AggregatorRegistry.aggregate` merges). */
type RegistryFigures = MetricObjectWithValues<MetricValue<string>>[];

/**
 * In the primary: the whole cluster's views for whichever worker a request lands on. `/metrics`: every
 * worker's registry plus the primary's own worker-restart counter, merged by prom-client's
 * aggregation (counters, histograms and gauges summed; the event-loop delay the worst). The observer:
 * every worker's snapshot merged, and a session's drill-down from the worker that has it.
 */
export function serveClusterViews(prefix = 'erlmcp_'): void {
  const own = new Registry();
  const restarts = new Counter({
    name: `${prefix}restarts_total`,
    help: 'Supervised restarts (cluster workers, client upstream connections)',
    labelNames: ['kind'],
    registers: [own],
  });
  // Worker restarts happen here, in the primary: counted, and kept for the merged observer page.
  const recentRestarts: (RestartEvent & { at: number })[] = [];
  channels.restart.subscribe((message) => {
    const event = message as RestartEvent;
    restarts.inc({ kind: event.kind });
    recentRestarts.push({ ...event, at: Date.now() });
    if (recentRestarts.length > 20) recentRestarts.shift();
  });
  const present = <T>(parts: unknown[]) => parts.filter((part) => part !== null) as T[];
  serveGathering({
    metrics: async (parts) =>
      AggregatorRegistry.aggregate([
        ...present<RegistryFigures>(parts),
        await own.getMetricsAsJSON(),
      ]).metrics(),
    observer: (parts) => mergeSnapshots(present<ObserverSnapshot>(parts), recentRestarts),
    'observer-session': (parts) => present<SessionView>(parts)[0] ?? null,
  });
}

/** In a worker: what its HTTP server shows for the whole cluster, and the parts it contributes. */
export function clusterViewsInWorker(
  handle: () => HttpServerHandle | undefined,
): Pick<ServeHttpOptions, 'renderMetrics' | 'observerSource'> {
  const gather = workerGathering({
    metrics: () => handle()?.metrics?.registry.getMetricsAsJSON() ?? null,
    observer: () => handle()?.observer?.snapshot() ?? null,
    'observer-session': (id) => (id === undefined ? null : (handle()?.observer?.session(id) ?? null)),
  });
  const observerSource: ObserverSource = {
    snapshot: async () => (await gather('observer')) as ObserverSnapshot,
    session: async (id) => ((await gather('observer-session', id)) ?? undefined) as SessionView | undefined,
  };
  return { renderMetrics: async () => String(await gather('metrics')), observerSource };
}
