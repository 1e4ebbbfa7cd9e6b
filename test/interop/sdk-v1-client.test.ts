/**
 * The official SDK v1 client (`@modelcontextprotocol/sdk`, 2025 era) spawns `erlmcp serve` on the
 * built everything example over stdio and uses every feature.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everythingCommand } from '../support/everything-command.js';
import { contentText as text, waitUntil } from '../support/wait.js';

let client: Client;
const logs: string[] = [];
const updates: string[] = [];
let toolListChanges = 0;

beforeAll(async () => {
  client = new Client(
    { name: 'sdk-v1-interop', version: '1.0.0' },
    {
      capabilities: {
        sampling: { tools: {} },
        elicitation: { form: {}, url: {} },
        roots: { listChanged: true },
      },
    },
  );
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    if (request.params.tools) {
      return {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call-1', name: 'get_weather', input: { city: 'Paris' } }],
        model: 'test-model',
        stopReason: 'toolUse',
      };
    }
    const first = request.params.messages[0]?.content;
    const text = first && !Array.isArray(first) && first.type === 'text' ? first.text : '';
    return {
      role: 'assistant',
      content: { type: 'text', text: `sampled(${text})` },
      model: 'test-model',
      stopReason: 'endTurn',
    };
  });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    if (request.params.mode === 'url') return { action: 'decline' };
    return { action: 'accept', content: { username: 'ada', email: 'ada@example.com', ok: true } };
  });
  client.setRequestHandler(ListRootsRequestSchema, async () => ({
    roots: [{ uri: 'file:///work', name: 'work' }],
  }));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(String(n.params.data));
  });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
  });
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    toolListChanges++;
  });
  // Pages of 8: the client walks tools/list through opaque cursors.
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

describe('SDK v1 client → erlmcp over stdio (2025-11-25)', () => {
  it('negotiates 2025-11-25 and sees server info, capabilities and instructions', () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'erlmcp-everything' });
    expect(client.getServerCapabilities()).toMatchObject({
      tools: { listChanged: true },
      resources: { subscribe: true },
      prompts: {},
      logging: {},
      completions: {},
      tasks: { requests: { tools: { call: {} } } },
    });
    expect(client.getInstructions()).toContain('every MCP feature');
  });

  it('lists tools (following cursors), with schemas, annotations, icons and taskSupport', async () => {
    const tools: Awaited<ReturnType<Client['listTools']>>['tools'] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(tools.map((tool) => tool.name)).size).toBe(tools.length);
    const add = tools.find((tool) => tool.name === 'add');
    expect(add).toMatchObject({
      title: 'Add two numbers',
      annotations: { readOnlyHint: true },
      outputSchema: { required: ['sum'] },
    });
    expect(add?.icons?.[0]?.mimeType).toBe('image/png');
    expect(tools.find((tool) => tool.name === 'long_task')?.execution).toEqual({ taskSupport: 'optional' });
    expect(tools.find((tool) => tool.name === 'json_schema_2020_12_tool')?.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      additionalProperties: false,
    });
  });

  it('calls tools: text, structured output, content types, errors', async () => {
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi');
    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(sum.structuredContent).toEqual({ sum: 5 });
    expect(text(await client.callTool({ name: 'test_simple_text' }))).toBe(
      'This is a simple text response for testing.',
    );
    expect(text(await client.callTool({ name: 'test_multiple_content_types' }))).toBe(
      'Multiple content types test:|image|resource',
    );
    expect(text(await client.callTool({ name: 'test_audio_content' }))).toBe('audio');
    const failed = await client.callTool({ name: 'test_error_handling' });
    expect(failed.isError).toBe(true);
    const invalid = await client.callTool({ name: 'echo', arguments: { message: 42 } });
    expect(invalid.isError).toBe(true);
  });

  it('receives log messages and progress', async () => {
    await client.setLoggingLevel('info');
    const progress: number[] = [];
    const result = await client.callTool({ name: 'test_tool_with_progress' }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(text(result)).toBe('Tool with progress executed successfully');
    // The SDK dispatches notifications a microtask after responses: wait for the last one.
    await waitUntil(() => progress.length >= 3);
    expect(progress).toEqual([0, 50, 100]);
    await client.callTool({ name: 'test_tool_with_logging' });
    await waitUntil(() => logs.length >= 3);
    expect(logs).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
  });

  it('answers sampling, elicitation (form and URL) and roots requests from the server', async () => {
    expect(text(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'capital?' } }))).toBe(
      'LLM response: sampled(capital?)',
    );
    expect(text(await client.callTool({ name: 'test_sampling_with_tools' }))).toBe(
      'stopReason=toolUse, content=tool_use',
    );
    expect(
      text(await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } })),
    ).toContain('action=accept');
    expect(text(await client.callTool({ name: 'test_url_elicitation' }))).toBe(
      'URL elicitation: action=decline',
    );
    expect(text(await client.callTool({ name: 'list_roots' }))).toBe('Roots: file:///work');
  });

  it('cancels a call through AbortSignal and stays usable', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { ms: 5000 } }, undefined, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort('user gave up'), 50);
    await expect(call).rejects.toThrow();
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'after' } }))).toBe(
      'Echo: after',
    );
  });

  it('reads resources and templates, completes, and gets subscription updates', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      'test://static-text',
      'test://static-binary',
      'test://watched-resource',
    ]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates[0]?.uriTemplate).toBe('test://template/{id}/data');
    const read = await client.readResource({ uri: 'test://template/42/data' });
    expect(JSON.parse(String((read.contents[0] as { text: string }).text))).toMatchObject({ id: '42' });
    const binary = await client.readResource({ uri: 'test://static-binary' });
    expect(binary.contents[0]).toMatchObject({ mimeType: 'image/png' });
    await expect(client.readResource({ uri: 'test://missing' })).rejects.toThrow(/not found/i);
    const completion = await client.complete({
      ref: { type: 'ref/resource', uri: 'test://template/{id}/data' },
      argument: { name: 'id', value: '4' },
    });
    expect(completion.completion.values).toEqual(['42']);
    await client.subscribeResource({ uri: 'test://watched-resource' });
    await client.callTool({ name: 'update_watched_resource' });
    await waitUntil(() => updates.length > 0);
    expect(updates).toEqual(['test://watched-resource']);
    await client.unsubscribeResource({ uri: 'test://watched-resource' });
  });

  it('gets prompts and completes prompt arguments', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('test_prompt_with_arguments');
    const prompt = await client.getPrompt({
      name: 'test_prompt_with_arguments',
      arguments: { arg1: 'a', arg2: 'b' },
    });
    expect(prompt.messages[0]?.content).toEqual({
      type: 'text',
      text: "Prompt with arguments: arg1='a', arg2='b'",
    });
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg1', value: 'b' },
    });
    expect(completion.completion.values).toEqual(['beta']);
  });

  it('gets tools/list_changed when the registry changes', async () => {
    const before = toolListChanges;
    await client.callTool({ name: 'toggle_dynamic_tool' });
    await waitUntil(() => toolListChanges > before);
    // The new tool is registered last: it is on the last page.
    let page = await client.listTools();
    while (page.nextCursor) page = await client.listTools({ cursor: page.nextCursor });
    expect(page.tools.some((t) => t.name === 'dynamic')).toBe(true);
    await client.callTool({ name: 'toggle_dynamic_tool' });
  });

  it('runs a tool as a 2025-11-25 task, with input required from the client', async () => {
    // The SDK learns a tool's taskSupport from the last tools/list page it fetched: fetch the page
    // that holds confirm_task last.
    let page = await client.listTools();
    while (!page.tools.some((tool) => tool.name === 'confirm_task') && page.nextCursor) {
      page = await client.listTools({ cursor: page.nextCursor });
    }
    const stream = client.experimental.tasks.callToolStream({ name: 'confirm_task', arguments: {} });
    const kinds: string[] = [];
    let final = '';
    for await (const message of stream) {
      kinds.push(message.type);
      if (message.type === 'result') final = text(message.result as { content: unknown });
      if (message.type === 'error') throw message.error;
    }
    expect(kinds[0]).toBe('taskCreated');
    expect(final).toBe('Confirmed: true');
    const { tasks } = await client.experimental.tasks.listTasks();
    expect(tasks.some((task) => task.status === 'completed')).toBe(true);
  });

  it('pings', async () => {
    expect(await client.ping()).toEqual({});
  });
});
