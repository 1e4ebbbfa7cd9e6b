import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisProcess, startRedis } from '../../test/support/redis-server.js';
import { harness } from '../../test/support/server-harness.js';
import type { McpServer } from '../server/mcp-server.js';
import { RedisClusterNode } from './redis-cluster-node.js';
import { connectRedis } from './redis-link.js';
import { RedisTaskStore } from './redis-task-store.js';
import { nodeAliveKey } from './session-keys.js';

const TASKS_META = {
  'io.modelcontextprotocol/clientCapabilities': {
    extensions: { 'io.modelcontextprotocol/tasks': {} },
    elicitation: { form: {} },
  },
};

type Harness = Awaited<ReturnType<typeof harness>>;

/** A tool that runs until the test opens its gate (or the task is aborted, which it records). */
class Gate {
  readonly aborted: Promise<unknown>;
  #open!: () => void;
  #onAbort!: (reason: unknown) => void;
  readonly opened = new Promise<void>((resolve) => {
    this.#open = resolve;
  });

  constructor() {
    this.aborted = new Promise((resolve) => {
      this.#onAbort = resolve;
    });
  }

  open(): void {
    this.#open();
  }

  async run(signal: AbortSignal): Promise<string> {
    signal.addEventListener('abort', () => this.#onAbort(signal.reason), { once: true });
    await Promise.race([this.opened, new Promise((_, reject) => signal.addEventListener('abort', reject))]);
    return 'gate opened';
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

/** Polls `tasks/get` (2026) on `node` until the status is one of `statuses`; bounded. */
async function statusOn(node: Harness, taskId: string, statuses: string[], timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = (await node.modern('tasks/get', { taskId }, TASKS_META)).result as Record<string, unknown>;
    if (statuses.includes(task.status as string)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${String(task.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('tasks shared by the nodes of a cluster', () => {
  let redis: RedisProcess;
  const gates = new Map<string, Gate>();
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    for (const gate of gates.values()) gate.open();
    gates.clear();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  afterAll(async () => {
    await redis?.stop();
  });

  function setup(server: McpServer) {
    server.tool('gate', {
      taskSupport: 'optional',
      inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      handler: (args, ctx) => {
        const gate = gates.get((args as { name: string }).name);
        if (!gate) throw new Error('no such gate');
        return gate.run(ctx.signal);
      },
    });
    server.tool('ask', {
      taskSupport: 'optional',
      handler: async (_args, ctx) => {
        const answer = await ctx.elicit({
          message: 'go?',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        });
        return `ok=${String(answer.content?.ok)}`;
      },
    });
  }

  /** A server attached to its own cluster node on the shared Redis. */
  async function node(): Promise<Harness & { cluster: RedisClusterNode }> {
    const cluster = await RedisClusterNode.connect({ url: redis.url });
    cleanups.push(() => cluster.close());
    const server = await harness((server) => {
      setup(server);
      server.core.attachCluster(cluster);
    });
    cleanups.push(() => server.server.close());
    return { ...server, cluster };
  }

  function gate(name: string): Gate {
    const created = new Gate();
    gates.set(name, created);
    return created;
  }

  it('2025: a task started on A is listed, polled, its result read and cancelled from B', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    await Promise.all([a.initialize(), b.initialize()]);
    // The session reaches B as a shared session will: its id is the owner of its tasks.
    const [sessionA] = a.server.core.sessions;
    const [sessionB] = b.server.core.sessions;
    sessionB!.session.id = sessionA!.session.id;

    const first = gate('first');
    const second = gate('second');
    const start = async (name: string) =>
      (
        (await a.request('tools/call', { name: 'gate', arguments: { name }, task: { ttl: 60_000 } }))
          .result as {
          task: { taskId: string };
        }
      ).task.taskId;
    const firstId = await start('first');
    const secondId = await start('second');

    const listed = (await b.request('tasks/list', {})).result as {
      tasks: { taskId: string; status: string }[];
    };
    expect(listed.tasks).toEqual([
      expect.objectContaining({ taskId: firstId, status: 'working' }),
      expect.objectContaining({ taskId: secondId, status: 'working' }),
    ]);
    expect((await b.request('tasks/get', { taskId: firstId })).result).toMatchObject({ status: 'working' });

    // B's tasks/result blocks, polling the store, until A finishes the task.
    const result = b.request('tasks/result', { taskId: firstId });
    await new Promise((resolve) => setTimeout(resolve, 200));
    first.open();
    expect((await within(result, 5000, 'tasks/result on B')).result).toMatchObject({
      content: [{ type: 'text', text: 'gate opened' }],
    });

    // Cancelled on B: the record says so at once, and A aborts the handler.
    expect((await b.request('tasks/cancel', { taskId: secondId })).result).toMatchObject({
      status: 'cancelled',
    });
    await within(second.aborted, 3000, 'abort on A');
    expect((await a.request('tasks/get', { taskId: secondId })).result).toMatchObject({
      status: 'cancelled',
    });
    expect((await b.request('tasks/cancel', { taskId: secondId })).error).toMatchObject({ code: -32602 });
  });

  it('2026: input for a task on A is given on B and reaches the waiting handler', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    const created = (await a.modern('tools/call', { name: 'ask' }, TASKS_META)).result as Record<
      string,
      unknown
    >;
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId = created.taskId as string;
    const asked = await statusOn(b, taskId, ['input_required']);
    const [key] = Object.keys(asked.inputRequests as object);
    const answer = { [key!]: { action: 'accept', content: { ok: true } } };
    expect(
      (await b.modern('tasks/update', { taskId, inputResponses: answer }, TASKS_META)).result,
    ).toMatchObject({
      resultType: 'complete',
    });
    const done = await statusOn(b, taskId, ['completed', 'failed']);
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'ok=true' }] });

    // A 2026 cancel from B of a task running on A.
    const running = gate('modern');
    const other = (await a.modern('tools/call', { name: 'gate', arguments: { name: 'modern' } }, TASKS_META))
      .result as Record<string, unknown>;
    expect((await b.modern('tasks/cancel', { taskId: other.taskId }, TASKS_META)).result).toBeDefined();
    await within(running.aborted, 3000, 'abort on A');
    expect(await statusOn(a, other.taskId as string, ['cancelled'], 0)).toMatchObject({
      status: 'cancelled',
    });
  });

  it('fails the tasks of a node that stopped, and ends a tasks/result waiting on another node', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    await Promise.all([a.initialize(), b.initialize()]);
    const [sessionA] = a.server.core.sessions;
    const [sessionB] = b.server.core.sessions;
    sessionB!.session.id = sessionA!.session.id;
    gate('forever');
    const taskId = (
      (await a.request('tools/call', { name: 'gate', arguments: { name: 'forever' }, task: {} })).result as {
        task: { taskId: string };
      }
    ).task.taskId;
    const waiting = b.request('tasks/result', { taskId });
    expect((await b.request('tasks/get', { taskId })).result).toMatchObject({ status: 'working' });

    // B's tasks/result is polling by now. Then A's node goes (its heartbeat with it) while its task runs.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await a.cluster.close();
    const response = await within(waiting, 4000, 'tasks/result on B');
    expect(response.error).toMatchObject({ code: -32603, message: expect.stringMatching(/node .* stopped/) });
    expect((await b.request('tasks/get', { taskId })).result).toMatchObject({
      status: 'failed',
      statusMessage: `Task failed: node ${a.cluster.nodeId} stopped`,
    });
    const listed = (await b.request('tasks/list', {})).result as { tasks: { status: string }[] };
    expect(listed.tasks.map((task) => task.status)).toEqual(['failed']);
  });

  it('fails a task within a few seconds once its node stops beating (crash: the key expires)', async () => {
    const b = await node();
    const link = await connectRedis({ url: redis.url });
    cleanups.push(() => link.close());
    // A node that crashed: its last heartbeat lives out its expiry, nobody deletes it.
    const ghost = 'ghost-node';
    await link.command(nodeAliveKey(ghost), ['SET', nodeAliveKey(ghost), '1', 'PX', '1500']);
    const now = new Date().toISOString();
    const taskId = 'a-task-of-the-ghost';
    await new RedisTaskStore(link).create({
      taskId,
      owner: '',
      status: 'working',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: 60_000,
      pollIntervalMs: 500,
      node: ghost,
    });
    expect((await b.modern('tasks/get', { taskId }, TASKS_META)).result).toMatchObject({ status: 'working' });
    const failed = await statusOn(b, taskId, ['failed'], 4000);
    expect(failed).toMatchObject({
      statusMessage: 'Task failed: node ghost-node stopped',
      error: { code: -32603 },
    });
  });
});
