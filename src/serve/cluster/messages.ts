/** The environment variable through which the primary gives its workers the cluster's secret. */
export const CLUSTER_SECRET_ENV = 'ERLMCP_CLUSTER_SECRET';

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
/** A request landed on this worker that needs the whole cluster's view (`/metrics`, the observer). */
export type GatherRequest = { type: 'erlmcp:gather'; id: number; view: string; arg?: string };
/** This worker's part of gathering `id`. */
export type GatherPart = { type: 'erlmcp:gather:part'; id: number; part: unknown };

export type WorkerMessage = ReadyMessage | GatherRequest | GatherPart;

// --- primary → worker -----------------------------------------------------------------------------

/** Where each live worker's sessions are served: tag → private port. */
export type RoutesMessage = { type: 'erlmcp:routes'; routes: Record<string, number> };
/** Send your part of `view` for gathering `id`. */
export type GatherAsk = { type: 'erlmcp:gather:ask'; id: number; view: string; arg?: string };
/** The merged view (or why not) for the worker's gathering `id`. */
export type GatherResult = { type: 'erlmcp:gather:result'; id: number; result?: unknown; error?: string };
export type PrimaryMessage = RoutesMessage | GatherAsk | GatherResult;

/** Narrows an IPC message to the member `T` named by `type`. */
export function isMessage<T extends WorkerMessage | PrimaryMessage>(
  value: unknown,
  type: T['type'],
): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
