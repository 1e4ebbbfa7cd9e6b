/**
 * The erlmcp client drives the published `@modelcontextprotocol/server-everything` (built on the
 * official SDK v1) over stdio: negotiation falls back from the 2026 probe to `initialize`.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { StdioClientTransport } from '../../src/transports/stdio/client-transport.js';
import { contentText, waitUntil } from '../support/wait.js';

const require = createRequire(import.meta.url);
const serverEntry = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

let client: Client;
const logs: unknown[] = [];

beforeAll(async () => {
  client = new Client(
    { name: 'erlmcp-interop', version: '1.0.0' },
    {
      probeTimeoutMs: 3000,
      sampling: async (params) => ({
        role: 'assistant',
        content: { type: 'text', text: `echo of ${JSON.stringify(params.messages[0]?.content)}` },
        model: 'test-model',
        stopReason: 'endTurn',
      }),
      elicitation: async () => ({
        action: 'accept',
        content: { name: 'Ada Lovelace', check: true, email: 'ada@example.com' },
      }),
      roots: [{ uri: 'file:///tmp/project', name: 'project' }],
    },
  );
  client.onNotification('notifications/message', (params) => logs.push(params));
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [serverEntry, 'stdio'], stderr: 'ignore' }),
  );
});

afterAll(async () => {
  await client?.close();
});

describe('erlmcp client → @modelcontextprotocol/server-everything (stdio)', () => {
  it('falls back from the 2026 probe to a 2025 session', () => {
    expect(client.era).toBe('legacy');
    expect(client.protocolVersion).toBe('2025-11-25');
    expect(client.serverInfo?.name).toContain('everything');
    expect(client.serverCapabilities).toHaveProperty('tools');
  });

  it('lists and calls tools, validating structured output against the tool outputSchema', async () => {
    // The server registers its capability-dependent tools once initialized: poll briefly for them.
    let names: string[] = [];
    for (let attempt = 0; attempt < 100 && !names.includes('trigger-sampling-request'); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      names = (await client.listAllTools()).map((tool) => tool.name);
    }
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'get-sum', 'get-structured-content', 'trigger-elicitation-request']),
    );
    expect(contentText(await client.callTool('echo', { message: 'hi' }))).toBe('Echo: hi');
    expect(contentText(await client.callTool('get-sum', { a: 2, b: 3 }))).toBe('The sum of 2 and 3 is 5.');
    const weather = await client.callTool('get-structured-content', { location: 'Chicago' });
    expect(weather.structuredContent).toMatchObject({ conditions: expect.any(String) });
    expect(contentText(await client.callTool('get-tiny-image'))).toContain('image');
  });

  it("answers the server's sampling, elicitation and roots requests", async () => {
    const sampled = await client.callTool('trigger-sampling-request', { prompt: 'hello', maxTokens: 10 });
    expect(contentText(sampled)).toContain('echo of');
    const elicited = await client.callTool('trigger-elicitation-request');
    expect(contentText(elicited)).toContain('Ada Lovelace');
    const roots = await client.callTool('get-roots-list');
    expect(contentText(roots)).toContain('file:///tmp/project');
  });

  it('receives progress and log messages', async () => {
    const progress: number[] = [];
    const result = await client.callTool(
      'trigger-long-running-operation',
      { duration: 0.2, steps: 2 },
      { onProgress: (p) => progress.push(p.progress) },
    );
    expect(contentText(result)).toContain('Long running operation completed');
    expect(progress).toEqual([1, 2]);
    await client.setLogLevel('debug');
    await client.callTool('toggle-simulated-logging');
    await waitUntil(() => logs.length > 0);
    expect(logs[0]).toMatchObject({ level: expect.any(String), data: expect.anything() });
    await client.callTool('toggle-simulated-logging');
  });

  it('reads resources and templates, gets prompts, and completes arguments', async () => {
    const resources = await client.listAllResources();
    expect(resources.length).toBeGreaterThan(0);
    const first = await client.readResource(resources[0]!.uri);
    expect(first.contents[0]?.uri).toBe(resources[0]!.uri);
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain(
      'demo://resource/dynamic/text/{resourceId}',
    );
    const dynamic = await client.readResource('demo://resource/dynamic/text/1');
    expect(dynamic.contents[0]).toMatchObject({
      uri: 'demo://resource/dynamic/text/1',
      mimeType: 'text/plain',
    });
    const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt', 'completable-prompt']));
    const prompt = await client.getPrompt('args-prompt', { city: 'Paris' });
    expect(JSON.stringify(prompt.messages)).toContain('Paris');
    const completion = await client.complete(
      { type: 'ref/prompt', name: 'completable-prompt' },
      { name: 'department', value: 'E' },
    );
    expect(completion.completion.values).toEqual(['Engineering']);
    const scoped = await client.complete(
      { type: 'ref/prompt', name: 'completable-prompt' },
      { name: 'name', value: '' },
      { arguments: { department: 'Sales' } },
    );
    expect(scoped.completion.values).toEqual(['David', 'Eve', 'Frank']);
  });

  it('pings', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });
});
