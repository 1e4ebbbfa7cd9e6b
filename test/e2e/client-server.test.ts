/**
 * The erlmcp client against the erlmcp everything server, in both eras and over every transport
 * kind (in-memory pair, TCP, mutual TLS, WebSocket, secure WebSocket): every feature the two share.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../examples/everything.js';
import { Client } from '../../src/client/client.js';
import { createLinkedPair } from '../../src/transports/memory/linked-pair.js';
import { TRANSPORT_KINDS, type TransportKind } from '../support/all-transport-kinds.js';
import { everythingClientOptions } from '../support/everything-client.js';
import { contentText, waitUntil } from '../support/wait.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function connectOver(versionNegotiation: 'legacy' | 'auto', kind: TransportKind) {
  // Small pages: every list below is walked through opaque cursors.
  const server = createServer({ pageSize: 4 });
  const opened = await kind.open(server);
  const client = new Client(
    { name: 'erlmcp-test', version: '1.0.0' },
    everythingClientOptions(versionNegotiation),
  );
  await client.connect(opened.transport);
  closers.push(async () => {
    await client.close();
    await opened.close();
  });
  return client;
}

for (const kind of TRANSPORT_KINDS)
  for (const mode of ['legacy', 'auto'] as const) {
    const connect = (m: 'legacy' | 'auto') => connectOver(m, kind);
    describe(`erlmcp client ↔ erlmcp server over ${kind.name} (${mode})`, () => {
      it('negotiates the expected era', async () => {
        const client = await connect(mode);
        expect(client.era).toBe(mode === 'legacy' ? 'legacy' : 'modern');
        expect(client.protocolVersion).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        expect(client.serverInfo?.name).toBe('erlmcp-everything');
        expect(client.serverCapabilities?.tools).toEqual({ listChanged: true });
        expect(client.instructions).toContain('every MCP feature');
      });

      it('lists every tool across pages and calls them, with input and output validation', async () => {
        const client = await connect(mode);
        const tools = await client.listAllTools();
        expect(tools.length).toBeGreaterThan(10);
        const sum = await client.callTool('add', { a: 2, b: 5 });
        expect(sum.structuredContent).toEqual({ sum: 7 });
        expect(contentText(await client.callTool('echo', { message: 'hi' }))).toBe('Echo: hi');
        expect((await client.callTool('echo', { message: 1 })).isError).toBe(true);
      });

      it('fulfils sampling (with tools), elicitation (form, URL) and roots', async () => {
        const client = await connect(mode);
        expect(contentText(await client.callTool('test_sampling', { prompt: 'x' }))).toBe(
          'LLM response: sampled',
        );
        expect(contentText(await client.callTool('test_sampling_with_tools'))).toBe(
          'stopReason=toolUse, content=tool_use',
        );
        expect(contentText(await client.callTool('test_elicitation', { message: 'm' }))).toContain(
          '"username":"ada"',
        );
        expect(contentText(await client.callTool('test_elicitation_sep1034_defaults'))).toContain(
          '"name":"John Doe"',
        );
        expect(contentText(await client.callTool('test_url_elicitation'))).toBe(
          'URL elicitation: action=decline',
        );
        expect(contentText(await client.callTool('list_roots'))).toBe('Roots: file:///w');
      });

      it('reports progress, log messages, and cancels', async () => {
        const client = await connect(mode);
        const logs: unknown[] = [];
        client.onNotification('notifications/message', (params) => logs.push(params.data));
        await client.setLogLevel('info');
        const progress: number[] = [];
        await client.callTool(
          'test_tool_with_progress',
          {},
          { onProgress: (p) => progress.push(p.progress) },
        );
        expect(progress).toEqual([0, 50, 100]);
        await client.callTool('test_tool_with_logging');
        await waitUntil(() => logs.length === 3);
        const controller = new AbortController();
        const slow = client.callTool('slow', { ms: 5000 }, { signal: controller.signal });
        setTimeout(() => controller.abort(new Error('user')), 20);
        await expect(slow).rejects.toMatchObject({ code: 'ERR_REQUEST_CANCELLED' });
        expect(contentText(await client.callTool('echo', { message: 'still here' }))).toBe(
          'Echo: still here',
        );
      });

      it('reads resources and templates, gets prompts, completes', async () => {
        const client = await connect(mode);
        expect((await client.listAllResources()).map((r) => r.uri)).toContain('test://watched-resource');
        expect((await client.listResourceTemplates()).resourceTemplates[0]?.uriTemplate).toBe(
          'test://template/{id}/data',
        );
        const read = await client.readResource('test://template/3/data');
        expect(read.contents[0]?.uri).toBe('test://template/3/data');
        const prompt = await client.getPrompt('test_prompt_with_arguments', { arg1: 'a', arg2: 'b' });
        expect(prompt.messages).toHaveLength(1);
        const completion = await client.complete(
          { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
          { name: 'arg1', value: 'al' },
        );
        expect(completion.completion.values).toEqual(['alpha']);
        await client.ping();
        await expect(client.readResource('test://nope')).rejects.toMatchObject({
          code: mode === 'legacy' ? -32002 : -32602,
        });
      });
    });
  }

for (const kind of TRANSPORT_KINDS)
  describe(`erlmcp client ↔ erlmcp server over ${kind.name}: subscriptions, list changes, tasks`, () => {
    const connect = (m: 'legacy' | 'auto') => connectOver(m, kind);
    it('2025: subscribes to a resource and hears list_changed', async () => {
      const client = await connect('legacy');
      const updates: unknown[] = [];
      const changes: unknown[] = [];
      client.onNotification('notifications/resources/updated', (params) => updates.push(params.uri));
      client.onNotification('notifications/tools/list_changed', () => changes.push(1));
      await client.subscribeResource('test://watched-resource');
      await client.callTool('update_watched_resource');
      await client.callTool('toggle_dynamic_tool');
      await waitUntil(() => updates.length === 1 && changes.length === 1);
      expect(updates).toEqual(['test://watched-resource']);
      expect((await client.listAllTools()).some((tool) => tool.name === 'dynamic')).toBe(true);
    });

    it('2026: listens with a filter, gets the acknowledgement and tagged notifications, closes', async () => {
      const client = await connect('auto');
      const seen: string[] = [];
      const subscription = client.listen(
        { toolsListChanged: true, resourceSubscriptions: ['test://watched-resource'] },
        (method) => seen.push(method),
      );
      expect(await subscription.acknowledged).toEqual({
        toolsListChanged: true,
        resourceSubscriptions: ['test://watched-resource'],
      });
      await client.callTool('update_watched_resource');
      await client.callTool('toggle_dynamic_tool');
      await waitUntil(() => seen.length === 2);
      expect(seen.sort()).toEqual(['notifications/resources/updated', 'notifications/tools/list_changed']);
      await subscription.close();
      expect(await subscription.closed).toBe('local');
    });

    it('2025 and 2026: runs tasks to completion, with input required along the way', async () => {
      for (const mode of ['legacy', 'auto'] as const) {
        const client = await connect(mode);
        const task = await client.callToolAsTask('confirm_task');
        expect(task.status).toBe('working');
        const result = await client.waitForTask(task);
        expect(contentText(result)).toBe('Confirmed: true');
        expect((await client.getTask(task.taskId)).status).toBe('completed');
      }
    });
  });

describe('erlmcp client ↔ erlmcp server over memory: list cache', () => {
  it('2026: serves list results from the cache for their ttl and drops them on list_changed', async () => {
    const server = createServer({ cache: { ttlMs: 60_000 } });
    const [clientSide, serverSide] = createLinkedPair();
    let served = 0;
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (message) => {
      if ('result' in message && Array.isArray((message.result as { prompts?: unknown }).prompts)) served++;
      send(message);
    };
    await server.connect(serverSide);
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'modern' });
    await client.connect(clientSide);
    closers.push(async () => {
      await client.close();
      await server.close();
    });
    await client.listPrompts();
    await client.listPrompts();
    expect(served).toBe(1);
    let changed = 0;
    const subscription = client.listen({ promptsListChanged: true }, () => changed++);
    await subscription.acknowledged;
    server.prompt('late_prompt', { get: () => ({ messages: [] }) });
    await waitUntil(() => changed === 1);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain('late_prompt');
    expect(served).toBe(2);
    await subscription.close();
  });
});
