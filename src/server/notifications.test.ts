import { describe, expect, it } from 'vitest';
import { harness } from '../../test/support/server-harness.js';
import type { McpServer } from './mcp-server.js';

function setup(server: McpServer) {
  server.tool('chatty', {
    handler: async (_args, ctx) => {
      await ctx.log('debug', 'fine detail');
      await ctx.log('warning', 'careful');
      await ctx.progress(1, 2, 'half');
      return 'ok';
    },
  });
  server.resource('test://r', { read: (uri) => ({ contents: [{ uri, text: 'r' }] }) });
  for (let i = 0; i < 5; i++) server.prompt(`p${i}`, { get: () => ({ messages: [] }) });
}

describe('logging, progress, pagination, change notifications', () => {
  it('2025: logging/setLevel filters notifications/message; progress carries the token', async () => {
    const { peer, initialize, request } = await harness(setup);
    await initialize();
    expect((await request('logging/setLevel', { level: 'warning' })).result).toEqual({});
    await request('tools/call', { name: 'chatty', _meta: { progressToken: 'tok' } });
    const logs = peer.sent
      .filter((m) => m.method === 'notifications/message')
      .map((m) => (m.params as { level: string }).level);
    expect(logs).toEqual(['warning']);
    const progress = peer.sent.find((m) => m.method === 'notifications/progress');
    expect(progress?.params).toEqual({ progressToken: 'tok', progress: 1, total: 2, message: 'half' });
    expect((await request('logging/setLevel', { level: 'loud' })).error).toMatchObject({ code: -32602 });
  });

  it('2026: no log messages without _meta logLevel; per-request level otherwise', async () => {
    const { peer, modern } = await harness(setup);
    await modern('tools/call', { name: 'chatty' });
    expect(peer.sent.some((m) => m.method === 'notifications/message')).toBe(false);
    await modern('tools/call', { name: 'chatty' }, { 'io.modelcontextprotocol/logLevel': 'debug' });
    expect(peer.sent.filter((m) => m.method === 'notifications/message')).toHaveLength(2);
    expect(
      (await modern('tools/list', {}, { 'io.modelcontextprotocol/logLevel': 'loud' })).error,
    ).toMatchObject({ code: -32602 });
  });

  it('paginates with opaque cursors and adds 2026 cache hints and serverInfo', async () => {
    const { modern } = await harness(setup, { pageSize: 2 });
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = (await modern('prompts/list', cursor ? { cursor } : {})).result as Record<
        string,
        unknown
      >;
      expect(result).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'public' });
      expect((result._meta as Record<string, unknown>)['io.modelcontextprotocol/serverInfo']).toMatchObject({
        name: 'test-server',
      });
      names.push(...(result.prompts as { name: string }[]).map((p) => p.name));
      cursor = result.nextCursor as string | undefined;
      if (!cursor) break;
    }
    expect(names).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('fans list_changed and resource updates out to 2025 sessions and 2026 listeners', async () => {
    const { server, peer, initialize, request, modern } = await harness(setup);
    await initialize();
    expect((await request('resources/subscribe', { uri: 'test://r' })).result).toEqual({});
    peer.deliver({
      jsonrpc: '2.0',
      id: 'listen-1',
      method: 'subscriptions/listen',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
        },
        notifications: { toolsListChanged: true, resourceSubscriptions: ['test://r'] },
      },
    });
    const ack = await peer.waitFor((m) => m.method === 'notifications/subscriptions/acknowledged');
    expect(ack.params).toEqual({
      _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen-1' },
      notifications: { toolsListChanged: true, resourceSubscriptions: ['test://r'] },
    });
    const added = server.tool('late', { handler: () => 'late' });
    server.resourceUpdated('test://r');
    const changes = peer.sent.filter((m) => m.method === 'notifications/tools/list_changed');
    expect(changes).toHaveLength(2);
    expect(changes.filter((m) => m.params !== undefined)).toEqual([
      expect.objectContaining({
        params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen-1' } },
      }),
    ]);
    expect(peer.sent.filter((m) => m.method === 'notifications/resources/updated')).toHaveLength(2);
    added.remove();
    expect(((await modern('tools/list')).result as { tools: unknown[] }).tools).toHaveLength(1);
    await server.close();
    const end = await peer.response('listen-1');
    expect(end.result).toMatchObject({
      resultType: 'complete',
      _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen-1' },
    });
  });

  it('answers server/discover with versions, capabilities and instructions', async () => {
    const { modern } = await harness(setup, { instructions: 'be nice' });
    const result = (await modern('server/discover')).result as Record<string, unknown>;
    expect(result.supportedVersions).toEqual([
      '2026-07-28',
      '2025-11-25',
      '2025-06-18',
      '2025-03-26',
      '2024-11-05',
    ]);
    expect(result).toMatchObject({
      instructions: 'be nice',
      capabilities: { tools: { listChanged: true }, extensions: { 'io.modelcontextprotocol/tasks': {} } },
    });
  });
});
