import { describe, expect, it } from 'vitest';
import { MemoryTaskStore } from './memory-task-store.js';
import type { TaskCluster } from './task-cluster.js';
import { type TaskBody, TaskManager } from './task-manager.js';

/** Two managers on one store, wired as two nodes: what Redis does in a cluster, in memory. */
function twoNodes() {
  const store = new MemoryTaskStore();
  const managers = new Map<string, TaskManager>();
  const alive = new Set(['a', 'b']);
  const checks: string[] = [];
  const cluster = (nodeId: string): TaskCluster => ({
    nodeId,
    publishCancel: (taskId, node) => managers.get(node)?.abortRunning(taskId),
    publishInput: (taskId, node, responses) => managers.get(node)?.deliverInput(taskId, responses),
    isAlive: async (node) => {
      checks.push(node);
      return alive.has(node);
    },
  });
  for (const id of ['a', 'b']) {
    const manager = new TaskManager(new MemoryTaskStore());
    manager.useStore(store, cluster(id));
    managers.set(id, manager);
  }
  return { store, a: managers.get('a')!, b: managers.get('b')!, alive, checks };
}

function start(manager: TaskManager, body: TaskBody, owner = 'me') {
  return manager.start(
    owner,
    60_000,
    (taskId, setStatus, signal) => manager.pollingInput(taskId, setStatus, signal),
    body,
    () => {},
  );
}

const never: TaskBody = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('TaskManager across nodes', () => {
  it('stamps the running node; a process alone stamps none', async () => {
    const { a } = twoNodes();
    expect((await start(a, () => ({}))).node).toBe('a');
    const alone = new TaskManager(new MemoryTaskStore());
    expect((await start(alone, () => ({}))).node).toBeUndefined();
  });

  it('cancels on B a task A runs, and hands B’s input to A’s handler', async () => {
    const { a, b } = twoNodes();
    let abortedOnA = false;
    const cancelled = await start(a, (signal) => {
      signal.addEventListener('abort', () => (abortedOnA = true));
      return never(signal, { ask: async () => undefined });
    });
    expect((await b.cancel(cancelled.taskId, 'me')).status).toBe('cancelled');
    expect(abortedOnA).toBe(true);

    const asking = await start(a, async (_signal, input) => ({
      answer: await input.ask({ method: 'roots/list' }, 'k'),
    }));
    await expect.poll(async () => (await b.get(asking.taskId, 'me')).status).toBe('input_required');
    await b.provideInput(asking.taskId, 'me', { k: { roots: [] } });
    const done = await b.waitTerminal(asking.taskId, 'me', new AbortController().signal);
    expect(done).toMatchObject({ status: 'completed', result: { answer: { roots: [] } } });
  });

  it('fails an open task whose node is gone, checking each node once per list', async () => {
    const { a, b, alive, checks } = twoNodes();
    const first = await start(a, never);
    const second = await start(a, never);
    expect((await b.list('me', 0, 10)).map((task) => task.status)).toEqual(['working', 'working']);
    expect(checks).toEqual(['a']);
    alive.delete('a');
    const listed = await b.list('me', 0, 10);
    expect(listed.map((task) => task.status)).toEqual(['failed', 'failed']);
    expect(listed[0]).toMatchObject({
      statusMessage: 'Task failed: node a stopped',
      error: { code: -32603 },
    });
    expect((await b.get(first.taskId, 'me')).status).toBe('failed');
    expect((await a.get(second.taskId, 'me')).status).toBe('failed');
    a.abortAll();
  });

  it('fails an open task of its own node id that this process does not run (an earlier process did)', async () => {
    const { store, a } = twoNodes();
    const now = new Date().toISOString();
    await store.create({
      taskId: 'old',
      owner: 'me',
      status: 'working',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: 60_000,
      pollIntervalMs: 500,
      node: 'a',
    });
    expect(await a.get('old', 'me')).toMatchObject({
      status: 'failed',
      statusMessage: 'Task failed: node a no longer runs it',
    });
  });

  it('fails the shared tasks a closing server runs; alone, it leaves them as they were', async () => {
    const { a, b } = twoNodes();
    const task = await start(a, never);
    a.abortAll();
    await expect
      .poll(async () => (await b.get(task.taskId, 'me')).statusMessage)
      .toBe('Task failed: its server closed');
    const alone = new TaskManager(new MemoryTaskStore());
    const local = await start(alone, never);
    alone.abortAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await alone.get(local.taskId, 'me')).status).toBe('working');
  });

  it('stops waiting for a task elsewhere when the request ends', async () => {
    const { a, b } = twoNodes();
    const task = await start(a, never);
    const controller = new AbortController();
    const waiting = b.waitTerminal(task.taskId, 'me', controller.signal);
    controller.abort(new Error('request ended'));
    await expect(waiting).rejects.toThrow('request ended');
    a.abortAll();
  });
});
