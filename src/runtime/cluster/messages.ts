/** IPC between the cluster primary and its workers. */
export type WorkerMessage =
  /** A worker listens: its public URL and the private port other workers proxy its sessions to. */
  { type: 'erlmcp:ready'; tag: string; url: string; internalPort: number };

export type PrimaryMessage =
  /** Where each live worker's sessions are served: tag → private port. */
  { type: 'erlmcp:routes'; routes: Record<string, number> };

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
