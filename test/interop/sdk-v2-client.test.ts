/**
 * The official SDK v2 client (`@modelcontextprotocol/client`) spawns `erlmcp serve` on the built
 * everything example over stdio, once with `versionNegotiation: legacy` (2025-11-25 session) and
 * once with `auto` (probes `server/discover`, then speaks 2026-07-28: MRTR, per-request log level,
 * subscriptions/listen).
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everythingCommand } from '../support/everything-command.js';
import { contentText as text, waitUntil } from '../support/wait.js';

/** Raw JSON-RPC over the SDK's stdio transport, for what the v2 client cannot express. */
async function rawSession() {
  const transport = new StdioClientTransport({ ...everythingCommand(), stderr: 'inherit' });
  const waiting = new Map<number, (result: unknown) => void>();
  transport.onmessage = (message) => {
    const response = message as { id?: number; result?: unknown; error?: unknown };
    if (response.id !== undefined) waiting.get(response.id)?.(response.result ?? response.error);
  };
  await transport.start();
  let nextId = 0;
  return {
    request(method: string, params: Record<string, unknown>, capabilities: Record<string, unknown>) {
      const id = ++nextId;
      const meta = {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': capabilities,
      };
      const answer = new Promise((resolve) => waiting.set(id, resolve));
      void transport.send({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } });
      return answer;
    },
    close: () => transport.close(),
  };
}

for (const mode of ['legacy', 'auto'] as const) {
  describe(`SDK v2 client (versionNegotiation: ${mode}) → erlmcp over stdio`, () => {
    let client: Client;
    const logs: string[] = [];
    const updates: string[] = [];
    let toolListChanges = 0;
    const expectedEra = mode === 'legacy' ? '2025-11-25' : '2026-07-28';

    beforeAll(async () => {
      client = new Client(
        { name: `sdk-v2-${mode}`, version: '1.0.0' },
        {
          capabilities: {
            sampling: { tools: {} },
            elicitation: { form: {}, url: {} },
            roots: { listChanged: true },
          },
          versionNegotiation: { mode },
        },
      );
      client.setRequestHandler('sampling/createMessage', async (request) => {
        if (request.params.tools) {
          return {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'call-1', name: 'get_weather', input: { city: 'Paris' } }],
            model: 'test-model',
            stopReason: 'toolUse',
          };
        }
        const first = request.params.messages[0]?.content;
        const prompt = first && !Array.isArray(first) && first.type === 'text' ? first.text : '';
        return {
          role: 'assistant',
          content: { type: 'text', text: `sampled(${prompt})` },
          model: 'test-model',
          stopReason: 'endTurn',
        };
      });
      client.setRequestHandler('elicitation/create', async (request) => {
        if (request.params.mode === 'url') return { action: 'decline' };
        return { action: 'accept', content: { username: 'ada', email: 'ada@example.com', ok: true } };
      });
      client.setRequestHandler('roots/list', async () => ({
        roots: [{ uri: 'file:///work', name: 'work' }],
      }));
      client.setNotificationHandler('notifications/message', (n) => {
        logs.push(String(n.params.data));
      });
      client.setNotificationHandler('notifications/resources/updated', (n) => {
        updates.push(n.params.uri);
      });
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        toolListChanges++;
      });
      // Pages of 8: listTools() aggregates every page through opaque cursors.
      await client.connect(
        new StdioClientTransport({
          ...everythingCommand(),
          env: { ...process.env, EVERYTHING_PAGE_SIZE: '8' } as Record<string, string>,
          stderr: 'inherit',
        }),
      );
    });

    afterAll(async () => {
      await client?.close();
    });

    it(`speaks ${expectedEra}`, () => {
      expect(client.getNegotiatedProtocolVersion()).toBe(expectedEra);
      expect(client.getServerVersion()).toMatchObject({ name: 'erlmcp-everything' });
      expect(client.getServerCapabilities()).toMatchObject({
        tools: { listChanged: true },
        resources: { subscribe: true },
      });
    });

    it('lists and calls tools, with structured output validated by the client', async () => {
      const { tools } = await client.listTools();
      // More tools than one page of 8, including the last one registered: every page was fetched.
      expect(tools.length).toBeGreaterThan(24);
      expect(tools.map((t) => t.name)).toContain('test_tool_with_task');
      expect(tools.map((t) => t.name)).toContain('test_sampling');
      expect(text(await client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi');
      expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent).toEqual({
        sum: 3,
      });
      expect(text(await client.callTool({ name: 'test_image_content' }))).toBe('image');
      expect((await client.callTool({ name: 'test_error_handling' })).isError).toBe(true);
    });

    it('answers sampling, elicitation and roots (2025: server requests; 2026: InputRequiredResult rounds)', async () => {
      expect(text(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'p' } }))).toBe(
        'LLM response: sampled(p)',
      );
      expect(text(await client.callTool({ name: 'test_sampling_with_tools' }))).toBe(
        'stopReason=toolUse, content=tool_use',
      );
      expect(text(await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } }))).toBe(
        'User response: action=accept, content={"username":"ada","email":"ada@example.com","ok":true}',
      );
      expect(text(await client.callTool({ name: 'test_url_elicitation' }))).toBe(
        'URL elicitation: action=decline',
      );
      expect(text(await client.callTool({ name: 'list_roots' }))).toBe('Roots: file:///work');
    });

    it('reports progress and log messages (2025: logging/setLevel; 2026: per-request logLevel)', async () => {
      if (mode === 'legacy') await client.setLoggingLevel('info');
      const progress: number[] = [];
      await client.callTool(
        { name: 'test_tool_with_progress' },
        { onprogress: (p) => progress.push(p.progress) },
      );
      await waitUntil(() => progress.length >= 3);
      expect(progress).toEqual([0, 50, 100]);
      const logMeta = mode === 'legacy' ? {} : { _meta: { 'io.modelcontextprotocol/logLevel': 'info' } };
      await client.callTool({ name: 'test_tool_with_logging', ...logMeta });
      await waitUntil(() => logs.length >= 3);
      expect(logs).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
    });

    it('cancels through AbortSignal and stays usable', async () => {
      const controller = new AbortController();
      const call = client.callTool({ name: 'slow', arguments: { ms: 5000 } }, { signal: controller.signal });
      setTimeout(() => controller.abort('user gave up'), 50);
      await expect(call).rejects.toThrow();
      expect(text(await client.callTool({ name: 'echo', arguments: { message: 'after' } }))).toBe(
        'Echo: after',
      );
    });

    it('reads resources, templates, prompts and completions', async () => {
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri)).toContain('test://static-text');
      const read = await client.readResource({ uri: 'test://static-text' });
      expect(read.contents[0]).toMatchObject({ text: 'This is the content of the static text resource.' });
      const templated = await client.readResource({ uri: 'test://template/7/data' });
      expect(JSON.parse(String((templated.contents[0] as { text: string }).text))).toMatchObject({ id: '7' });
      const prompt = await client.getPrompt({
        name: 'test_prompt_with_arguments',
        arguments: { arg1: 'x', arg2: 'y' },
      });
      expect(prompt.messages[0]?.content).toEqual({
        type: 'text',
        text: "Prompt with arguments: arg1='x', arg2='y'",
      });
      const completion = await client.complete({
        ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
        argument: { name: 'arg1', value: 'g' },
      });
      expect(completion.completion.values).toEqual(['gamma']);
    });

    it('gets resource updates and list_changed (2025: subscribe; 2026: subscriptions/listen)', async () => {
      let close: () => Promise<void> = async () => {};
      if (mode === 'legacy') {
        await client.subscribeResource({ uri: 'test://watched-resource' });
        close = async () => {
          await client.unsubscribeResource({ uri: 'test://watched-resource' });
        };
      } else {
        const subscription = await client.listen({
          toolsListChanged: true,
          resourceSubscriptions: ['test://watched-resource'],
        });
        expect(subscription.honoredFilter).toEqual({
          toolsListChanged: true,
          resourceSubscriptions: ['test://watched-resource'],
        });
        close = () => subscription.close();
      }
      const before = toolListChanges;
      await client.callTool({ name: 'update_watched_resource' });
      await client.callTool({ name: 'toggle_dynamic_tool' });
      await waitUntil(() => updates.length > 0 && toolListChanges > before);
      expect(updates.at(-1)).toBe('test://watched-resource');
      await client.callTool({ name: 'toggle_dynamic_tool' });
      await close();
    });

    it('runs a task (2025: tasks/get + tasks/result; 2026: tasks extension polling)', async () => {
      if (mode === 'legacy') {
        const created = await client.request(
          {
            method: 'tools/call',
            params: { name: 'long_task', arguments: { steps: 2 }, task: { ttl: 60_000 } },
          },
          z.looseObject({ task: z.looseObject({ taskId: z.string(), status: z.string() }) }),
        );
        expect(created.task.status).toBe('working');
        const result = await client.request(
          { method: 'tasks/result', params: { taskId: created.task.taskId } },
          z.looseObject({ content: z.array(z.looseObject({ text: z.string() })) }),
        );
        expect(result.content[0]?.text).toBe('Finished 2 steps');
      } else {
        // The v2 client rejects `resultType: "task"` (it has no tasks extension), so the 2026 task runs
        // over the SDK's stdio transport with raw JSON-RPC against a second `erlmcp serve` process.
        const raw = await rawSession();
        const caps = { extensions: { 'io.modelcontextprotocol/tasks': {} } };
        const created = (await raw.request(
          'tools/call',
          { name: 'long_task', arguments: { steps: 2 } },
          caps,
        )) as { resultType: string; taskId: string };
        expect(created.resultType).toBe('task');
        let task: { status?: string; result?: unknown } = {};
        for (let i = 0; i < 200 && task.status !== 'completed'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          task = (await raw.request('tasks/get', { taskId: created.taskId }, caps)) as typeof task;
        }
        expect(task.status).toBe('completed');
        expect(text(task.result ?? {})).toBe('Finished 2 steps');
        await raw.close();
      }
    });
  });
}
