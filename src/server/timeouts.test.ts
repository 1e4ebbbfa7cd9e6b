import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { harness } from '../../test/support/server-harness.js';
import type { McpServer } from './mcp-server.js';

function setup(server: McpServer) {
  server.tool<{ steps: number }>('steady', {
    inputSchema: { type: 'object', properties: { steps: { type: 'number' } }, required: ['steps'] },
    handler: async ({ steps }, ctx) => {
      for (let step = 1; step <= steps; step++) {
        await sleep(30);
        await ctx.progress(step, steps);
      }
      return 'done';
    },
  });
}

describe('request timeout with progress reset and a hard maximum', () => {
  it('lets progress keep a request alive past its idle timeout', async () => {
    const { initialize, request } = await harness(setup, { requestTimeoutMs: 60, maxRequestTimeoutMs: 2000 });
    await initialize();
    const response = await request('tools/call', {
      name: 'steady',
      arguments: { steps: 5 },
      _meta: { progressToken: 1 },
    });
    expect(response.result).toEqual({ content: [{ type: 'text', text: 'done' }] });
  });

  it('does not extend a request without a progress token', async () => {
    const { initialize, request } = await harness(setup, { requestTimeoutMs: 60, maxRequestTimeoutMs: 2000 });
    await initialize();
    const response = await request('tools/call', { name: 'steady', arguments: { steps: 5 } });
    expect(response.error).toMatchObject({ code: -32603, data: { reason: 'timeout' } });
  });

  it('stops at the hard maximum even while progress continues', async () => {
    const { initialize, request } = await harness(setup, { requestTimeoutMs: 60, maxRequestTimeoutMs: 150 });
    await initialize();
    const started = Date.now();
    const response = await request('tools/call', {
      name: 'steady',
      arguments: { steps: 50 },
      _meta: { progressToken: 1 },
    });
    expect(response.error).toMatchObject({ code: -32603, data: { reason: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('older 2025-era revisions', () => {
  it('echoes a supported older version and answers an unknown one with the newest legacy revision', async () => {
    const { initialize, request } = await harness(setup);
    const old = (await initialize({}, '2024-11-05')).result as {
      protocolVersion: string;
      capabilities: object;
    };
    expect(old.protocolVersion).toBe('2024-11-05');
    expect(old.capabilities).not.toHaveProperty('tasks');
    expect(old.capabilities).not.toHaveProperty('extensions');
    expect((await request('tools/call', { name: 'steady', arguments: { steps: 1 } })).result).toBeDefined();
    const again = await request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'x', version: '1' },
    });
    expect(again.error).toMatchObject({ code: -32600 });
    const fresh = await harness(setup);
    const future = (await fresh.initialize({}, '2099-01-01')).result as { protocolVersion: string };
    expect(future.protocolVersion).toBe('2025-11-25');
  });

  it('rejects initialize without clientInfo', async () => {
    const { request } = await harness(setup);
    const response = await request('initialize', { protocolVersion: '2025-11-25', capabilities: {} });
    expect(response.error).toMatchObject({
      code: -32602,
      message: 'params.clientInfo must be an object with a name',
    });
  });
});
