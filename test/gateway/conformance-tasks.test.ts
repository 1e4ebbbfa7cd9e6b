/**
 * 2026 tasks through a pass-through gateway (the conformance suite's `tasks-*` scenarios): the
 * upstream decides whether a call becomes a task, as it would for the caller; a gateway task stands
 * for the upstream's, with its input, outcome and cancellation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '../../src/server/mcp-server.js';
import { type PassThrough, passThrough } from './conformance-support.js';

let running: PassThrough | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const NAME = { type: 'object' as const, properties: { name: { type: 'string' as const } } };

function upstream(): McpServer {
  const server = new McpServer({ name: 'upstream', version: '1', onDiagnostic: () => {} });
  server.tool('only_as_task', {
    description: 'a task-only tool that fails as a tool',
    taskSupport: 'required',
    handler: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('The job failed');
    },
  });
  server.tool<{ user_name?: string }>('named_task', {
    description: 'asks in the request, then runs as a task',
    taskSupport: 'required',
    prepare: async (_args, ctx) => {
      const answer = await ctx.elicit({ message: 'Name?', requestedSchema: NAME }, { key: 'user_name' });
      return { user_name: String(answer.content?.name) };
    },
    handler: ({ user_name }) => `Task finished for ${user_name}`,
  });
  server.tool('asks_in_task', {
    description: 'a task that asks two questions at once',
    taskSupport: 'optional',
    handler: async (_args, ctx) => {
      const [first, second] = await Promise.all([
        ctx.elicit({ message: 'First?', requestedSchema: NAME }, { key: 'first' }),
        ctx.elicit({ message: 'Second?', requestedSchema: NAME }, { key: 'second' }),
      ]);
      return `${String(first.content?.name)} and ${String(second.content?.name)}`;
    },
  });
  return server;
}

describe('tasks through the gateway', () => {
  it('a task-only upstream tool runs as a task, and its tool error completes the task', async () => {
    running = await passThrough(upstream());
    const client = await running.client({ tasks: true });
    const task = await client.callToolAsTask('only_as_task', {});
    const result = await client.waitForTask(task);
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'The job failed' }]);
  });

  it('input the upstream asks before its task is a round of the request; the task comes after', async () => {
    running = await passThrough(upstream());
    const client = await running.client({ tasks: true, capabilities: { elicitation: {} } });
    const asked: string[] = [];
    const created = await client.request(
      'tools/call',
      { name: 'named_task', arguments: {} },
      {
        onInput: async (_method, _params, _signal, key) => {
          asked.push(String(key));
          return { action: 'accept', content: { name: 'Alice' } };
        },
      },
    );
    expect(asked).toEqual(['user_name']);
    expect(created.resultType).toBe('task');
    const result = await client.waitForTask(await client.getTask(String(created.taskId)));
    expect(result.content).toEqual([{ type: 'text', text: 'Task finished for Alice' }]);
  });

  it('the upstream task’s input requests reach the caller under their keys', async () => {
    running = await passThrough(upstream());
    const names = new Map([
      ['First?', 'Ada'],
      ['Second?', 'Grace'],
    ]);
    const client = await running.client({
      tasks: true,
      elicitation: async (params) => ({
        action: 'accept',
        content: { name: names.get(params.message) ?? '' },
      }),
    });
    const task = await client.callToolAsTask('asks_in_task', {});
    const result = await client.waitForTask(task);
    expect(result.content).toEqual([{ type: 'text', text: 'Ada and Grace' }]);
  });
});
