/** The environment variable through which the primary gives its workers the cluster's secret. */
export const CLUSTER_SECRET_ENV = 'ERLMCP_CLUSTER_SECRET';

/** IPC between the cluster primary and its workers. */
export type WorkerMessage =
  /**
   * A worker listens: its public URL and, on HTTP, the private port other workers proxy its 2025
   * sessions to (WebSocket and TCP connections are whole sessions and need no routing).
   */
  { type: 'erlmcp:ready'; url: string; route?: { tag: string; internalPort: number } };

export type PrimaryMessage =
  /** Where each live worker's sessions are served: tag → private port. */
  { type: 'erlmcp:routes'; routes: Record<string, number> };

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
