import type { JsonRpcErrorObject } from '../../jsonrpc/message.js';
import type { InputRequest } from '../../protocol/types.js';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

/** One task as stored: era-neutral; the handlers render it for 2025 or 2026. */
export interface TaskRecord {
  taskId: string;
  /** Who may see it: the 2025 session id, or the 2026 principal ('' when unauthenticated). */
  owner: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  /** Retention after creation; null = unlimited. */
  ttlMs: number | null;
  pollIntervalMs: number;
  result?: Record<string, unknown>;
  error?: JsonRpcErrorObject;
  /** 2026: outstanding input requests while `input_required`. */
  inputRequests?: Record<string, InputRequest>;
  /** In a cluster: the id of the node that runs it (others forward cancel and input there). */
  node?: string;
}

/** Task storage behind an interface, so a cluster can keep tasks in Redis. */
export interface TaskStore {
  create(record: TaskRecord): Promise<void>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  /** Applies `patch` unless the task is already terminal; returns the stored record. */
  update(
    taskId: string,
    patch: Partial<Omit<TaskRecord, 'taskId' | 'owner'>>,
  ): Promise<TaskRecord | undefined>;
  list(owner: string, offset: number, limit: number): Promise<TaskRecord[]>;
}
