import { randomUUID } from 'node:crypto';
import { invalidParams, McpError, toWireError } from '../../jsonrpc/errors.js';
import type { InputRequest } from '../../protocol/types.js';
import type { InputChannel } from '../input-channel.js';
import type { TaskCluster } from './task-cluster.js';
import { type TaskRecord, type TaskStore, TERMINAL_STATUSES } from './task-store.js';

export const DEFAULT_TASK_TTL_MS = 3_600_000;
export const DEFAULT_POLL_INTERVAL_MS = 500;
/** Named limit: a task's ttl cannot exceed one day whatever the client asks. */
export const MAX_TASK_TTL_MS = 86_400_000;

interface RunningTask {
  controller: AbortController;
  /** 2026: input keys waiting for `tasks/update`, with the request each one asked. */
  inputs: Map<string, { request: InputRequest; resolve: (value: unknown) => void }>;
  done: Promise<void>;
}

export type TaskBody = (
  signal: AbortSignal,
  input: InputChannel,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * Runs task-augmented requests in the background of this process and keeps their state in a
 * TaskStore. Era-neutral: the task handlers render records as 2025 or 2026 shapes.
 *
 * In a cluster every record names the node running it; any node can read, list, cancel and answer a
 * task, and tells the running node through the TaskCluster. Alone (no cluster), nothing of that runs.
 */
export class TaskManager {
  readonly #running = new Map<string, RunningTask>();
  #inputCounter = 0;
  #cluster: TaskCluster | undefined;

  constructor(public store: TaskStore) {}

  /**
   * Moves to another store (a cluster's) before any task started; tasks already running stay put.
   * With `cluster`, tasks are shared: see the class comment.
   */
  useStore(store: TaskStore, cluster?: TaskCluster): void {
    if (this.#running.size > 0) throw new TypeError('tasks are running: the task store can no longer change');
    this.store = store;
    this.#cluster = cluster;
  }

  async start(
    owner: string,
    requestedTtlMs: number | undefined,
    makeInput: (taskId: string, setStatus: StatusSetter, signal: AbortSignal) => InputChannel,
    body: TaskBody,
    onChange: (record: TaskRecord) => void,
  ): Promise<TaskRecord> {
    const now = new Date().toISOString();
    const ttlMs = Math.min(requestedTtlMs ?? DEFAULT_TASK_TTL_MS, MAX_TASK_TTL_MS);
    const record: TaskRecord = {
      taskId: randomUUID(),
      owner,
      status: 'working',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs,
      pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
    };
    if (this.#cluster) record.node = this.#cluster.nodeId;
    const controller = new AbortController();
    const running: RunningTask = { controller, inputs: new Map(), done: Promise.resolve() };
    // Known as running before it is stored: a read in between must not take it for a lost task.
    this.#running.set(record.taskId, running);
    try {
      await this.store.create(record);
    } catch (error) {
      this.#running.delete(record.taskId);
      throw error;
    }
    const setStatus: StatusSetter = async (patch) => {
      const updated = await this.store.update(record.taskId, patch);
      if (updated) onChange(updated);
    };
    const input = makeInput(record.taskId, setStatus, controller.signal);
    running.done = this.#run(record.taskId, controller.signal, input, body, setStatus);
    return record;
  }

  async get(taskId: unknown, owner: string): Promise<TaskRecord> {
    if (typeof taskId !== 'string') throw invalidParams('taskId must be a string');
    const record = await this.store.get(taskId);
    if (!record || record.owner !== owner) throw invalidParams(`Unknown task: ${taskId}`);
    return this.#cluster ? this.#failIfLost(record) : record;
  }

  /** One page of the owner's tasks, oldest first; a task whose node is gone reads as failed. */
  async list(owner: string, offset: number, limit: number): Promise<TaskRecord[]> {
    const page = await this.store.list(owner, offset, limit);
    if (!this.#cluster) return page;
    const alive = new Map<string, Promise<boolean>>();
    return Promise.all(page.map((record) => this.#failIfLost(record, alive)));
  }

  /** Resolves once the task is terminal (2025 `tasks/result` blocks on this). */
  async waitTerminal(taskId: unknown, owner: string, signal: AbortSignal): Promise<TaskRecord> {
    const record = await this.get(taskId, owner);
    if (TERMINAL_STATUSES.has(record.status)) return record;
    const running = this.#running.get(record.taskId);
    if (running) {
      await Promise.race([
        running.done,
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
      ]);
    } else if (this.#elsewhere(record)) {
      // Another node runs it: the store is the only news, read at the task's own poll interval
      // until the task ends, expires (unknown), its node is gone (failed) or the request ends.
      let current: TaskRecord = record;
      while (!TERMINAL_STATUSES.has(current.status)) {
        await sleep(current.pollIntervalMs, signal);
        current = await this.get(record.taskId, owner);
      }
      return current;
    }
    return this.get(taskId, owner);
  }

  async cancel(taskId: unknown, owner: string): Promise<TaskRecord> {
    const record = await this.get(taskId, owner);
    if (TERMINAL_STATUSES.has(record.status)) {
      throw invalidParams(`Task ${record.taskId} is already ${record.status}`);
    }
    const updated =
      (await this.store.update(record.taskId, {
        status: 'cancelled',
        statusMessage: 'Cancelled by the client',
      })) ?? record;
    if (updated.status !== 'cancelled') return updated;
    if (this.#running.has(record.taskId)) this.abortRunning(record.taskId);
    else if (this.#elsewhere(record)) this.#cluster?.publishCancel(record.taskId, record.node);
    return updated;
  }

  /** Aborts a task this process runs whose record is already cancelled (here or on another node). */
  abortRunning(taskId: string): void {
    this.#running.get(taskId)?.controller.abort(new Error('Task cancelled'));
  }

  /** 2026 `tasks/update`: hands answers to the waiting handler; unknown keys are ignored. */
  async provideInput(taskId: unknown, owner: string, responses: unknown): Promise<void> {
    const record = await this.get(taskId, owner);
    if (typeof responses !== 'object' || responses === null)
      throw invalidParams('inputResponses must be an object');
    const answers = responses as Record<string, unknown>;
    if (this.#running.has(record.taskId)) this.deliverInput(record.taskId, answers);
    else if (this.#elsewhere(record)) this.#cluster?.publishInput(record.taskId, record.node, answers);
  }

  /** Answers for a task this process runs (from `tasks/update` here or on another node). */
  deliverInput(taskId: string, responses: Readonly<Record<string, unknown>>): void {
    const running = this.#running.get(taskId);
    if (!running) return;
    for (const [key, value] of Object.entries(responses)) {
      const pending = running.inputs.get(key);
      if (pending) {
        running.inputs.delete(key);
        pending.resolve(value);
      }
    }
  }

  /** 2026: an input channel that parks the task in `input_required` until `tasks/update` answers. */
  pollingInput(taskId: string, setStatus: StatusSetter, signal: AbortSignal): InputChannel {
    return {
      ask: async (request: InputRequest, name?: string) => {
        const running = this.#running.get(taskId);
        if (!running) throw new McpError(-32603, 'Task is not running in this process');
        const key = name ?? `input-${++this.#inputCounter}`;
        const answer = new Promise<unknown>((resolve, reject) => {
          running.inputs.set(key, { request, resolve });
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        // Every request still unanswered is listed, so parallel asks show up together.
        await setStatus({ status: 'input_required', inputRequests: pendingRequests(running) });
        const value = await answer;
        await setStatus(
          running.inputs.size > 0
            ? { status: 'input_required', inputRequests: pendingRequests(running) }
            : { status: 'working' },
        );
        return value;
      },
    };
  }

  /** 2025: the request goes to the client for real; the task shows `input_required` meanwhile. */
  static statusWrapped(inner: InputChannel, setStatus: StatusSetter): InputChannel {
    return {
      ask: async (request) => {
        await setStatus({ status: 'input_required' });
        try {
          return await inner.ask(request);
        } finally {
          await setStatus({ status: 'working' });
        }
      },
    };
  }

  async #run(
    taskId: string,
    signal: AbortSignal,
    input: InputChannel,
    body: TaskBody,
    setStatus: StatusSetter,
  ) {
    try {
      const result = await body(signal, input);
      await setStatus({ status: 'completed', result });
    } catch (error) {
      // A store that fails here too leaves the record open: a later read fails it as lost.
      if (!signal.aborted)
        await setStatus({
          status: 'failed',
          error: toWireError(error),
          statusMessage: String((error as Error)?.message ?? error),
        }).catch(() => {});
    } finally {
      this.#running.delete(taskId);
    }
  }

  /** Whether another node of the cluster runs the task (as its record says). */
  #elsewhere(record: TaskRecord): record is TaskRecord & { node: string } {
    return record.node !== undefined && record.node !== this.#cluster?.nodeId;
  }

  /**
   * A task still open whose node is gone can never end by itself: it is failed here, once (the
   * store keeps a terminal task as it is, so two nodes finding it at once write one outcome).
   * `alive` shares one liveness check per node within a list.
   */
  async #failIfLost(record: TaskRecord, alive = new Map<string, Promise<boolean>>()): Promise<TaskRecord> {
    const cluster = this.#cluster;
    if (!cluster || record.node === undefined || TERMINAL_STATUSES.has(record.status)) return record;
    let message: string;
    if (record.node === cluster.nodeId) {
      if (this.#running.has(record.taskId)) return record;
      // Ours but not running: an earlier process with this node id, or a final write that failed.
      message = `Task failed: node ${record.node} no longer runs it`;
    } else {
      const check = alive.get(record.node) ?? cluster.isAlive(record.node);
      alive.set(record.node, check);
      if (await check) return record;
      message = `Task failed: node ${record.node} stopped`;
    }
    const failed = await this.store.update(record.taskId, {
      status: 'failed',
      statusMessage: message,
      error: { code: -32603, message },
    });
    return failed ?? record;
  }

  /** Aborts every running task (server shutdown). */
  abortAll(): void {
    for (const [taskId, running] of this.#running) {
      running.controller.abort(new Error('Server closing'));
      // A shared record outlives this process: it ends now rather than when the node's heartbeat goes.
      if (this.#cluster) {
        const message = 'Task failed: its server closed';
        this.store
          .update(taskId, { status: 'failed', statusMessage: message, error: { code: -32603, message } })
          .catch(() => {});
      }
    }
  }
}

/** Waits `ms`, or rejects with the signal's reason once it aborts (leaving no timer or listener). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function pendingRequests(running: RunningTask): Record<string, InputRequest> {
  const requests: Record<string, InputRequest> = {};
  for (const [key, pending] of running.inputs) requests[key] = pending.request;
  return requests;
}

export type StatusSetter = (patch: Partial<Omit<TaskRecord, 'taskId' | 'owner'>>) => Promise<void>;
