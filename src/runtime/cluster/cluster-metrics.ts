import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Registry } from 'prom-client';
import { channels, type RestartEvent } from '../../observability/events.js';
import {
  type ClusterText,
  type CollectRequest,
  isMessage,
  type PrimaryMessage,
  type RegistryFigures,
  type ScrapeRequest,
  type WorkerFigures,
  type WorkerMessage,
} from './messages.js';

/** Named limits: how long the primary waits for workers' figures, and a worker for the primary. */
export const COLLECT_TIMEOUT_MS = 2_000;
export const SCRAPE_TIMEOUT_MS = 5_000;

/**
 * Cluster-wide Prometheus metrics. With `--workers`, a scrape lands on whichever worker accepts the
 * connection; that worker asks the primary, which collects every worker's registry over IPC, adds
 * its own figures (worker restarts happen in the primary) and merges them with prom-client's
 * aggregation (counters and gauges summed, the event-loop delay the worst of all).
 */
export function collectClusterMetricsInPrimary(prefix = 'erlmcp_'): void {
  const own = new Registry();
  const restarts = new Counter({
    name: `${prefix}restarts_total`,
    help: 'Supervised restarts (cluster workers, client upstream connections)',
    labelNames: ['kind'],
    registers: [own],
  });
  channels.restart.subscribe((message) => restarts.inc({ kind: (message as RestartEvent).kind }));
  const pending = new Map<number, { figures: RegistryFigures[]; waiting: Set<Worker>; finish: () => void }>();
  let nextId = 0;

  cluster.on('message', (worker: Worker, message: unknown) => {
    if (isMessage<WorkerFigures>(message, 'erlmcp:metrics:figures')) {
      const collection = pending.get(message.id);
      if (!collection?.waiting.delete(worker)) return;
      collection.figures.push(message.metrics);
      if (collection.waiting.size === 0) collection.finish();
      return;
    }
    if (!isMessage<ScrapeRequest>(message, 'erlmcp:metrics:scrape')) return;
    const id = nextId++;
    const workers = Object.values(cluster.workers ?? {}).filter((live) => live?.isConnected()) as Worker[];
    const collection = { figures: [] as RegistryFigures[], waiting: new Set(workers), finish: () => {} };
    const answer = (reply: PrimaryMessage) => {
      if (worker.isConnected()) worker.send(reply, undefined, undefined, () => {});
    };
    // A worker that does not answer in time (busy, dying) is left out rather than failing the scrape.
    const timer = setTimeout(() => collection.finish(), COLLECT_TIMEOUT_MS);
    collection.finish = () => {
      clearTimeout(timer);
      pending.delete(id);
      own
        .getMetricsAsJSON()
        .then((figures) => AggregatorRegistry.aggregate([...collection.figures, figures]).metrics())
        .then(
          (text) => answer({ type: 'erlmcp:metrics:text', id: message.id, text }),
          (error: unknown) => answer({ type: 'erlmcp:metrics:text', id: message.id, error: String(error) }),
        );
    };
    pending.set(id, collection);
    for (const live of workers)
      live.send({ type: 'erlmcp:metrics:collect', id }, undefined, undefined, () => {});
    if (workers.length === 0) collection.finish();
  });
}

/**
 * In a worker: answers the primary's collection requests with this worker's registry, and returns
 * the function a `/metrics` endpoint serves, which asks the primary for the whole cluster's text.
 */
export function clusterMetricsInWorker(registry: () => Registry | undefined): () => Promise<string> {
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (isMessage<CollectRequest>(message, 'erlmcp:metrics:collect')) {
      const source = registry();
      const figures: Promise<RegistryFigures> = source ? source.getMetricsAsJSON() : Promise.resolve([]);
      void figures.then((metrics) => {
        const reply: WorkerMessage = { type: 'erlmcp:metrics:figures', id: message.id, metrics };
        process.send?.(reply);
      });
      return;
    }
    if (!isMessage<ClusterText>(message, 'erlmcp:metrics:text')) return;
    const scrape = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) scrape?.reject(new Error(message.error));
    else scrape?.resolve(message.text ?? '');
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the cluster primary did not answer within ${SCRAPE_TIMEOUT_MS} ms`));
      }, SCRAPE_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: WorkerMessage = { type: 'erlmcp:metrics:scrape', id };
      process.send?.(request);
    });
}
