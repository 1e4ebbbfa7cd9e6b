import { invalidParams, McpError } from '../../jsonrpc/errors.js';
import { isPlainRecord } from '../../jsonrpc/message.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../exchange.js';
import type { Result } from '../handlers/handler-types.js';
import { LinkInputChannel } from '../input-channel.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { type TaskBody, TaskManager } from './task-manager.js';
import { type TaskRecord, TERMINAL_STATUSES } from './task-store.js';

function manager(core: ServerCore): TaskManager {
  if (!core.tasks) throw new McpError(-32601, 'Tasks are not enabled on this server');
  return core.tasks;
}

function ownerOf(exchange: Exchange): string {
  return exchange.era === 'legacy' ? (exchange.session?.id ?? '') : (exchange.principal ?? '');
}

/** 2025 shape: `ttl` and `pollInterval`, no result inline. */
export function legacyTask(record: TaskRecord): Result {
  const task: Result = {
    taskId: record.taskId,
    status: record.status,
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
    ttl: record.ttlMs,
    pollInterval: record.pollIntervalMs,
  };
  if (record.statusMessage !== undefined) task.statusMessage = record.statusMessage;
  return task;
}

/** 2026 extension shape: `ttlMs`/`pollIntervalMs`, with inputRequests/result/error by status. */
export function modernTask(record: TaskRecord): Result {
  const task: Result = {
    taskId: record.taskId,
    status: record.status,
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
    ttlMs: record.ttlMs,
    pollIntervalMs: record.pollIntervalMs,
  };
  if (record.statusMessage !== undefined) task.statusMessage = record.statusMessage;
  if (record.status === 'input_required' && record.inputRequests) task.inputRequests = record.inputRequests;
  if (record.status === 'completed' && record.result)
    task.result = { resultType: 'complete', ...record.result };
  if (record.status === 'failed' && record.error) task.error = record.error;
  return task;
}

/** Starts a task-augmented tools/call and answers at once with the task handle. */
export async function startToolTask(
  core: ServerCore,
  exchange: Exchange,
  body: TaskBody,
  taskParam: unknown,
): Promise<Result> {
  const tasks = manager(core);
  if (exchange.era === 'legacy') {
    if (!isPlainRecord(taskParam)) throw invalidParams('params.task must be an object');
    const ttl = taskParam.ttl;
    if (ttl !== undefined && (typeof ttl !== 'number' || ttl < 0))
      throw invalidParams('params.task.ttl must be a non-negative number');
    const record = await tasks.start(
      ownerOf(exchange),
      ttl,
      (taskId, setStatus, signal) =>
        TaskManager.statusWrapped(
          new LinkInputChannel(exchange.link, { signal }, core.inputTimeoutMs, {
            [MetaKey.relatedTask]: { taskId },
          }),
          setStatus,
        ),
      body,
      (updated) => {
        try {
          exchange.link.notify({
            jsonrpc: '2.0',
            method: 'notifications/tasks/status',
            params: legacyTask(updated),
          });
        } catch {
          // The session is gone; the task lives on in the store until its ttl.
        }
      },
    );
    return { task: legacyTask(record) };
  }
  const record = await tasks.start(
    ownerOf(exchange),
    undefined,
    (taskId, setStatus, signal) => tasks.pollingInput(taskId, setStatus, signal),
    body,
    (updated) => {
      for (const listen of core.listens) {
        if (listen.filter.taskIds?.includes(updated.taskId)) {
          listen.link.notify({
            jsonrpc: '2.0',
            method: 'notifications/tasks',
            params: { ...modernTask(updated), _meta: { [MetaKey.subscriptionId]: listen.id } },
          });
        }
      }
    },
  );
  return { resultType: 'task', ...modernTask(record) };
}

export async function getTask(core: ServerCore, exchange: Exchange): Promise<Result> {
  const record = await manager(core).get(exchange.params.taskId, ownerOf(exchange));
  return exchange.era === 'legacy' ? legacyTask(record) : modernTask(record);
}

export async function cancelTask(core: ServerCore, exchange: Exchange): Promise<Result> {
  if (exchange.era === 'legacy')
    return legacyTask(await manager(core).cancel(exchange.params.taskId, ownerOf(exchange)));
  // 2026: an empty ack, the same for a task that already ended (only unknown ids are an error).
  const record = await manager(core).get(exchange.params.taskId, ownerOf(exchange));
  if (!TERMINAL_STATUSES.has(record.status)) await manager(core).cancel(record.taskId, ownerOf(exchange));
  return {};
}

/** 2025 `tasks/result`: blocks until terminal, then answers as the original request would have. */
export async function taskResult(core: ServerCore, exchange: Exchange): Promise<Result> {
  const record = await manager(core).waitTerminal(exchange.params.taskId, ownerOf(exchange), exchange.signal);
  const related = { [MetaKey.relatedTask]: { taskId: record.taskId } };
  if (record.status === 'completed' && record.result) {
    const meta = isPlainRecord(record.result._meta) ? record.result._meta : {};
    return { ...record.result, _meta: { ...meta, ...related } };
  }
  if (record.status === 'failed' && record.error)
    throw new McpError(record.error.code, record.error.message, record.error.data);
  throw new McpError(-32603, `Task ${record.taskId} was ${record.status}`, { _meta: related });
}

export async function listTasks(core: ServerCore, exchange: Exchange): Promise<Result> {
  const offset = exchange.params.cursor === undefined ? 0 : decodeCursor(exchange.params.cursor);
  const page = await manager(core).list(ownerOf(exchange), offset, core.pageSize + 1);
  const tasks = page.slice(0, core.pageSize).map(legacyTask);
  return page.length > core.pageSize
    ? { tasks, nextCursor: encodeCursor(offset + core.pageSize) }
    : { tasks };
}

/** 2026 `tasks/update`: answers to a task's outstanding input requests. */
export async function updateTask(core: ServerCore, exchange: Exchange): Promise<Result> {
  await manager(core).provideInput(exchange.params.taskId, ownerOf(exchange), exchange.params.inputResponses);
  return {};
}
