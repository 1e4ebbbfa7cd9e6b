import { MIN_POLL_INTERVAL_MS, pollTask, sleep, type TaskHandle, toTaskHandle } from '../client/tasks.js';
import { TASKS_EXTENSION } from '../protocol/meta-keys.js';
import type { Result } from '../server/handlers/handler-types.js';
import type { InputChannel } from '../server/input-channel.js';
import type { Upstream } from './upstream.js';

const TASKS = { extensions: { [TASKS_EXTENSION]: {} } };

/** Named limit: how long the gateway follows one upstream task before its own task fails. */
export const UPSTREAM_TASK_MAX_MS = 24 * 60 * 60 * 1000;

/**
 * The body of a gateway task that stands for a task a 2026 upstream created: polls the upstream's
 * `tasks/get`, hands its input requests to the gateway task's caller (keys kept; each answer goes
 * up with `tasks/update` as it comes, so a partial answer stays partial), ends with its outcome (a
 * tool error is a completed task; a protocol error fails it), and cancels it when the gateway
 * task is cancelled.
 */
export async function followUpstreamTask(
  upstream: Upstream,
  created: Record<string, unknown>,
  signal: AbortSignal,
  input: InputChannel,
): Promise<Result> {
  const task = toTaskHandle(created);
  // The upstream serves tasks/* only to a client that declares the extension on each request.
  const options = { signal, capabilities: TASKS };
  // A poll right after tasks/update may still list what was answered: it is not asked again.
  const answered = new Set<string>();
  try {
    const result = await pollTask(task, {
      deadline: Date.now() + UPSTREAM_TASK_MAX_MS,
      signal,
      get: async (taskId) => toTaskHandle(await upstream.request('tasks/get', { taskId }, options)),
      answer: (taskId, inputRequests) => answerEach(upstream, taskId, inputRequests, answered, input, signal),
    });
    const { resultType: _type, ...rest } = result;
    return rest;
  } catch (error) {
    if (signal.aborted) {
      // The gateway task was cancelled: so is the upstream's (best effort, it may have ended).
      await upstream
        .request('tasks/cancel', { taskId: task.taskId }, { capabilities: TASKS })
        .catch(() => {});
    }
    throw error;
  }
}

async function answerEach(
  upstream: Upstream,
  taskId: string,
  inputRequests: NonNullable<TaskHandle['inputRequests']>,
  answered: Set<string>,
  input: InputChannel,
  signal: AbortSignal,
): Promise<void> {
  const open = Object.entries(inputRequests).filter(([key]) => !answered.has(key));
  if (open.length === 0) {
    await sleep(MIN_POLL_INTERVAL_MS * 5, signal);
    return;
  }
  await Promise.all(
    open.map(async ([key, request]) => {
      const answer = await input.ask({ method: request.method, params: request.params ?? {} } as never, key);
      answered.add(key);
      await upstream.request(
        'tasks/update',
        { taskId, inputResponses: { [key]: answer } },
        { signal, capabilities: TASKS },
      );
    }),
  );
}
