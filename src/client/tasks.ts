import { ErlmcpError, McpError } from '../jsonrpc/errors.js';
import { isPlainRecord } from '../jsonrpc/message.js';

/** A task as the client sees it, whichever era created it. */
export interface TaskHandle {
  taskId: string;
  status: 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  statusMessage?: string;
  pollIntervalMs?: number;
  /** 2026: outstanding input requests while `input_required`. */
  inputRequests?: Record<string, { method: string; params?: Record<string, unknown> }>;
  /** 2026: the final result once `completed`. */
  result?: Record<string, unknown>;
  /** 2026: the error once `failed`. */
  error?: { code: number; message: string; data?: unknown };
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
/** Named limit: the shortest poll interval honoured, whatever the server suggests. */
export const MIN_POLL_INTERVAL_MS = 10;
export const DEFAULT_POLL_INTERVAL_MS = 500;

/** Reads a 2025 `{ task }` or a 2026 `resultType: "task"` / `tasks/get` result into one shape. */
export function toTaskHandle(result: Record<string, unknown>): TaskHandle {
  const raw = isPlainRecord(result.task) ? result.task : result;
  if (typeof raw.taskId !== 'string' || typeof raw.status !== 'string') {
    throw new ErlmcpError('ERR_INVALID_RESPONSE', 'The server returned a task without taskId and status');
  }
  const handle: TaskHandle = { taskId: raw.taskId, status: raw.status as TaskHandle['status'] };
  if (typeof raw.statusMessage === 'string') handle.statusMessage = raw.statusMessage;
  const interval = raw.pollIntervalMs ?? raw.pollInterval;
  if (typeof interval === 'number') handle.pollIntervalMs = interval;
  if (isPlainRecord(raw.inputRequests))
    handle.inputRequests = raw.inputRequests as TaskHandle['inputRequests'] & object;
  if (isPlainRecord(raw.result)) handle.result = raw.result;
  if (isPlainRecord(raw.error)) handle.error = raw.error as TaskHandle['error'] & object;
  return handle;
}

/** The final outcome of a finished 2026 task: its result, or its error thrown as McpError. */
export function taskOutcome(task: TaskHandle): Record<string, unknown> {
  if (task.status === 'completed' && task.result) return task.result;
  if (task.status === 'failed' && task.error)
    throw new McpError(task.error.code, task.error.message, task.error.data);
  throw new ErlmcpError('ERR_REQUEST_CANCELLED', `Task ${task.taskId} ended as ${task.status}`);
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ErlmcpError('ERR_REQUEST_CANCELLED', 'Waiting for the task was cancelled'));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new ErlmcpError('ERR_REQUEST_CANCELLED', 'Waiting for the task was cancelled'));
      },
      { once: true },
    );
  });
}

export interface PollPort {
  deadline: number;
  signal: AbortSignal | undefined;
  get(taskId: string): Promise<TaskHandle>;
  /** Answers a task's input requests (2026 `tasks/update`). */
  answer(taskId: string, inputRequests: NonNullable<TaskHandle['inputRequests']>): Promise<void>;
}

/** 2026 tasks: polls `tasks/get` at the server's interval until terminal, answering input on the way. */
export async function pollTask(task: TaskHandle, port: PollPort): Promise<Record<string, unknown>> {
  let current = task;
  while (!TERMINAL.has(current.status)) {
    if (Date.now() > port.deadline)
      throw new ErlmcpError('ERR_REQUEST_TIMEOUT', `Task ${task.taskId} did not finish in time`);
    if (current.status === 'input_required' && current.inputRequests) {
      await port.answer(task.taskId, current.inputRequests);
    } else {
      await sleep(
        Math.max(current.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS),
        port.signal,
      );
    }
    current = await port.get(task.taskId);
  }
  return taskOutcome(current);
}
