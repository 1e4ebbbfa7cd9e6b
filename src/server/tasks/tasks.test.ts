import { describe, expect, it } from 'vitest';
import { harness } from '../../../test/support/server-harness.js';
import type { McpServer } from '../mcp-server.js';

const TASKS_CAPS = { extensions: { 'io.modelcontextprotocol/tasks': {} }, elicitation: {} };

function setup(server: McpServer) {
  server.tool('job', {
    taskSupport: 'optional',
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'go?',
        requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
      });
      return `ok=${String(answer.content?.ok)}`;
    },
  });
  server.tool('must_task', { taskSupport: 'required', handler: () => 'done' });
  server.tool('plain', { handler: () => 'plain' });
}

describe('2025-11-25 tasks', () => {
  it('runs a task-augmented call, asks for input with related-task meta, and returns the result', async () => {
    const { peer, initialize, request } = await harness(setup);
    await initialize();
    const created = (await request('tools/call', { name: 'job', task: { ttl: 60_000 } })).result as {
      task: { taskId: string; status: string };
    };
    expect(created.task.status).toBe('working');
    const elicit = await peer.waitFor((m) => m.method === 'elicitation/create');
    expect(
      (elicit.params as { _meta: Record<string, unknown> })._meta['io.modelcontextprotocol/related-task'],
    ).toEqual({ taskId: created.task.taskId });
    const status = (await request('tasks/get', { taskId: created.task.taskId })).result as { status: string };
    expect(status.status).toBe('input_required');
    peer.deliver({ jsonrpc: '2.0', id: elicit.id, result: { action: 'accept', content: { ok: true } } });
    const result = (await request('tasks/result', { taskId: created.task.taskId })).result as Record<
      string,
      unknown
    >;
    expect(result.content).toEqual([{ type: 'text', text: 'ok=true' }]);
    expect((result._meta as Record<string, unknown>)['io.modelcontextprotocol/related-task']).toEqual({
      taskId: created.task.taskId,
    });
    const list = (await request('tasks/list', {})).result as { tasks: { taskId: string; status: string }[] };
    expect(list.tasks).toEqual([
      expect.objectContaining({ taskId: created.task.taskId, status: 'completed' }),
    ]);
    expect((await request('tasks/cancel', { taskId: created.task.taskId })).error).toMatchObject({
      code: -32602,
    });
    await peer.waitFor(
      (m) =>
        m.method === 'notifications/tasks/status' && (m.params as { status: string }).status === 'completed',
    );
  });

  it('enforces taskSupport: forbidden as task → -32601, required without task → -32601', async () => {
    const { initialize, request } = await harness(setup);
    await initialize();
    expect((await request('tools/call', { name: 'plain', task: {} })).error).toMatchObject({ code: -32601 });
    expect((await request('tools/call', { name: 'must_task' })).error).toMatchObject({ code: -32601 });
    expect((await request('tasks/get', { taskId: 'nope' })).error).toMatchObject({ code: -32602 });
  });

  it('does not offer tasks to a 2025-06-18 session', async () => {
    const { initialize, request } = await harness(setup);
    const init = (await initialize({}, '2025-06-18')).result as { capabilities: Record<string, unknown> };
    expect(init.capabilities.tasks).toBeUndefined();
    expect((await request('tasks/list', {})).error).toMatchObject({ code: -32601 });
  });
});

describe('2026 tasks extension', () => {
  it('returns a task handle, parks on input_required, takes tasks/update, completes', async () => {
    const { modern } = await harness(setup);
    const meta = { 'io.modelcontextprotocol/clientCapabilities': TASKS_CAPS };
    const created = (await modern('tools/call', { name: 'job' }, meta)).result as Record<string, unknown>;
    expect(created).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId = created.taskId as string;
    let task: Record<string, unknown> = {};
    for (let i = 0; i < 50 && task.status !== 'input_required'; i++) {
      task = (await modern('tasks/get', { taskId }, meta)).result as Record<string, unknown>;
    }
    expect(task.status).toBe('input_required');
    const [key] = Object.keys(task.inputRequests as object);
    expect(
      (
        await modern(
          'tasks/update',
          { taskId, inputResponses: { [key!]: { action: 'accept', content: { ok: false } } } },
          meta,
        )
      ).result,
    ).toMatchObject({ resultType: 'complete' });
    for (let i = 0; i < 50 && task.status !== 'completed'; i++) {
      task = (await modern('tasks/get', { taskId }, meta)).result as Record<string, unknown>;
    }
    expect(task.result).toMatchObject({ content: [{ type: 'text', text: 'ok=false' }] });
  });

  it('runs optional tools synchronously without the extension, and refuses task-only tools with -32021', async () => {
    const { modern } = await harness(setup);
    const plain = (await modern('tools/call', { name: 'plain' })).result as Record<string, unknown>;
    expect(plain).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'plain' }] });
    const refused = await modern('tools/call', { name: 'must_task' });
    expect(refused.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } } },
    });
    expect((await modern('tasks/get', { taskId: 'x' })).error).toMatchObject({ code: -32021 });
  });
});
