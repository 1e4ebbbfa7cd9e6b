import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { RestartEvent } from '../../observability/events.js';

/** The environment variable through which the primary gives its workers the cluster's secret. */
export const CLUSTER_SECRET_ENV = 'ERLMCP_CLUSTER_SECRET';

/** One registry's figures as prom-client's JSON (what `AggregatorRegistry.aggregate` merges). */
export type RegistryFigures = MetricObjectWithValues<MetricValue<string>>[];

// --- worker → primary -----------------------------------------------------------------------------

/**
 * A worker listens: its public URL and, on HTTP, the private port other workers proxy its 2025
 * sessions to (WebSocket and TCP connections are whole sessions and need no routing).
 */
export type ReadyMessage = {
  type: 'erlmcp:ready';
  url: string;
  route?: { tag: string; internalPort: number };
};
/** A scrape of /metrics landed on this worker: the primary should collect the cluster's figures. */
export type ScrapeRequest = { type: 'erlmcp:metrics:scrape'; id: number };
/** This worker's registry for collection `id`. */
export type WorkerFigures = { type: 'erlmcp:metrics:figures'; id: number; metrics: RegistryFigures };

export type WorkerMessage = ReadyMessage | ScrapeRequest | WorkerFigures;

// --- primary → worker -----------------------------------------------------------------------------

/** Where each live worker's sessions are served: tag → private port. */
export type RoutesMessage = { type: 'erlmcp:routes'; routes: Record<string, number> };
/** Send your registry's figures for collection `id`. */
export type CollectRequest = { type: 'erlmcp:metrics:collect'; id: number };
/** The cluster's metrics text (or why not) for the worker's scrape `id`. */
export type ClusterText = { type: 'erlmcp:metrics:text'; id: number; text?: string; error?: string };

/** The cluster's recent worker restarts (the newest last), for each worker's observer page. */
export type RestartsMessage = { type: 'erlmcp:restarts'; restarts: RestartEvent[] };

export type PrimaryMessage = RoutesMessage | CollectRequest | ClusterText | RestartsMessage;

/** Narrows an IPC message to the member `T` named by `type`. */
export function isMessage<T extends WorkerMessage | PrimaryMessage>(
  value: unknown,
  type: T['type'],
): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
