import { randomUUID } from 'node:crypto';
import { invalidParams, McpError, toWireError } from '../../jsonrpc/errors.js';
import type { InputRequest } from '../../protocol/types.js';
import type { InputChannel } from '../input-channel.js';
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
 */
export class TaskManager {
  readonly #running = new Map<string, RunningTask>();
  #inputCounter = 0;

  constructor(public store: TaskStore) {}

  /** Moves to another store (a cluster's) before any task started; tasks already running stay put. */
  useStore(store: TaskStore): void {
    if (this.#running.size > 0) throw new TypeError('tasks are running: the task store can no longer change');
    this.store = store;
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
    await this.store.create(record);
    const controller = new AbortController();
    const setStatus: StatusSetter = async (patch) => {
      const updated = await this.store.update(record.taskId, patch);
      if (updated) onChange(updated);
    };
    const running: RunningTask = { controller, inputs: new Map(), done: Promise.resolve() };
    this.#running.set(record.taskId, running);
    const input = makeInput(record.taskId, setStatus, controller.signal);
    running.done = this.#run(record.taskId, controller.signal, input, body, setStatus);
    return record;
  }

  async get(taskId: unknown, owner: string): Promise<TaskRecord> {
    if (typeof taskId !== 'string') throw invalidParams('taskId must be a string');
    const record = await this.store.get(taskId);
    if (!record || record.owner !== owner) throw invalidParams(`Unknown task: ${taskId}`);
    return record;
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
    this.#running.get(record.taskId)?.controller.abort(new Error('Task cancelled'));
    return updated;
  }

  /** 2026 `tasks/update`: hands answers to the waiting handler; unknown keys are ignored. */
  async provideInput(taskId: unknown, owner: string, responses: unknown): Promise<void> {
    const record = await this.get(taskId, owner);
    if (typeof responses !== 'object' || responses === null)
      throw invalidParams('inputResponses must be an object');
    const running = this.#running.get(record.taskId);
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
      if (!signal.aborted)
        await setStatus({
          status: 'failed',
          error: toWireError(error),
          statusMessage: String((error as Error)?.message ?? error),
        });
    } finally {
      this.#running.delete(taskId);
    }
  }

  /** Aborts every running task (server shutdown). */
  abortAll(): void {
    for (const running of this.#running.values()) running.controller.abort(new Error('Server closing'));
  }
}

function pendingRequests(running: RunningTask): Record<string, InputRequest> {
  const requests: Record<string, InputRequest> = {};
  for (const [key, pending] of running.inputs) requests[key] = pending.request;
  return requests;
}

export type StatusSetter = (patch: Partial<Omit<TaskRecord, 'taskId' | 'owner'>>) => Promise<void>;
