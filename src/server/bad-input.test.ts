import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { harness } from '../../test/support/server-harness.js';
import type { McpServer } from './mcp-server.js';

function setup(server: McpServer) {
  server.tool('echo', {
    inputSchema: z.object({ message: z.string() }),
    handler: ({ message }) => `Echo: ${message}`,
  });
  server.tool('boom', {
    handler: () => {
      throw new Error('kaboom');
    },
  });
  server.tool('hang', { handler: () => new Promise(() => {}) });
  server.tool('ask', {
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'name?',
        requestedSchema: { type: 'object', properties: {} },
      });
      return answer.action;
    },
  });
}

describe('bad input never breaks the session', () => {
  it('answers a parse error with -32700 and keeps serving', async () => {
    const { peer, initialize, request } = await harness(setup);
    peer.frameError({ kind: 'invalid_json', message: 'Unexpected token' });
    const parseError = await peer.waitFor((m) => (m.error as { code?: number })?.code === -32700);
    expect(parseError.id).toBeNull();
    await initialize();
    expect((await request('ping')).result).toEqual({});
  });

  it('answers invalid UTF-8 with -32700 and an oversize line with -32600', async () => {
    const { peer } = await harness(setup);
    peer.frameError({ kind: 'invalid_utf8', message: 'Invalid UTF-8' });
    peer.frameError({ kind: 'message_too_large', message: 'Message exceeds 10 bytes' });
    await peer.waitFor((m) => (m.error as { code?: number })?.code === -32700);
    const tooLarge = await peer.waitFor((m) => (m.error as { code?: number })?.code === -32600);
    expect((tooLarge.error as { message: string }).message).toContain('exceeds');
  });

  it('rejects a non-JSON-RPC object with -32600, echoing a readable id', async () => {
    const { peer } = await harness(setup);
    peer.deliver({ jsonrpc: '1.0', id: 7, method: 'ping' });
    const response = await peer.response(7);
    expect(response.error).toMatchObject({ code: -32600 });
    peer.deliver([1, 2]);
    await peer.waitFor((m) => m.id === null && (m.error as { code?: number })?.code === -32600);
  });

  it('answers an unknown method with -32601 in both eras', async () => {
    const { initialize, request, modern } = await harness(setup);
    expect((await modern('no/such')).error).toMatchObject({ code: -32601 });
    expect((await modern('ping')).error).toMatchObject({ code: -32601 });
    await initialize();
    expect((await request('no/such')).error).toMatchObject({ code: -32601 });
  });

  it('names the field in -32602 for bad params', async () => {
    const { initialize, request } = await harness(setup);
    await initialize();
    const response = await request('tools/call', { name: 42 });
    expect(response.error).toMatchObject({ code: -32602 });
    expect((response.error as { message: string }).message).toContain('params.name');
    const cursor = await request('tools/list', { cursor: 'not-a-cursor' });
    expect(cursor.error).toMatchObject({ code: -32602, message: 'Invalid cursor' });
  });

  it('refuses a 2025 request before initialize and a 2026 request without a protocol version', async () => {
    const { request } = await harness(setup);
    const before = await request('tools/list', {});
    expect(before.error).toMatchObject({ code: -32602 });
    expect((before.error as { message: string }).message).toContain('initialize');
    const noVersion = await request('tools/list', {
      _meta: { 'io.modelcontextprotocol/clientCapabilities': {} },
    });
    expect(noVersion.error).toMatchObject({ code: -32602 });
    expect((noVersion.error as { message: string }).message).toContain('protocolVersion');
  });

  it('answers an unsupported version with -32022 listing the supported ones', async () => {
    const { modern } = await harness(setup);
    const response = await modern(
      'tools/list',
      {},
      { 'io.modelcontextprotocol/protocolVersion': '1900-01-01' },
    );
    expect(response.error).toMatchObject({ code: -32022, data: { requested: '1900-01-01' } });
    expect((response.error as { data: { supported: string[] } }).data.supported).toContain('2026-07-28');
  });

  it('answers -32021 when a handler needs a capability the client did not declare', async () => {
    const { modern, initialize, request } = await harness(setup);
    const response = await modern(
      'tools/call',
      { name: 'ask' },
      { 'io.modelcontextprotocol/clientCapabilities': {} },
    );
    expect(response.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { elicitation: { form: {} } } },
    });
    await initialize({});
    expect((await request('tools/call', { name: 'ask' })).error).toMatchObject({ code: -32021 });
  });

  it('turns schema failures and thrown errors into isError results', async () => {
    const { initialize, request } = await harness(setup);
    await initialize();
    const invalid = await request('tools/call', { name: 'echo', arguments: { message: 3 } });
    expect(invalid.result).toMatchObject({ isError: true });
    expect(JSON.stringify(invalid.result)).toContain('message');
    const thrown = await request('tools/call', { name: 'boom' });
    expect(thrown.result).toEqual({ content: [{ type: 'text', text: 'kaboom' }], isError: true });
    expect((await request('tools/call', { name: 'echo', arguments: { message: 'hi' } })).result).toEqual({
      content: [{ type: 'text', text: 'Echo: hi' }],
    });
  });

  it('times out a handler that never returns and keeps the session', async () => {
    const { initialize, request } = await harness(setup, { requestTimeoutMs: 50 });
    await initialize();
    const response = await request('tools/call', { name: 'hang' });
    expect(response.error).toMatchObject({ code: -32603, data: { reason: 'timeout' } });
    expect((await request('ping')).result).toEqual({});
  });

  it('sends no response for a cancelled request', async () => {
    const { peer, initialize, request } = await harness(setup);
    await initialize();
    peer.deliver({ jsonrpc: '2.0', id: 'h1', method: 'tools/call', params: { name: 'hang' } });
    peer.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'h1' } });
    expect((await request('ping')).result).toEqual({});
    await sleep(20);
    expect(peer.sent.some((m) => m.id === 'h1')).toBe(false);
  });

  it('rejects a second request with an id still in flight', async () => {
    const { peer, initialize } = await harness(setup);
    await initialize();
    peer.deliver({ jsonrpc: '2.0', id: 'dup', method: 'tools/call', params: { name: 'hang' } });
    peer.deliver({ jsonrpc: '2.0', id: 'dup', method: 'ping' });
    const response = await peer.response('dup');
    expect(response.error).toMatchObject({ code: -32600 });
  });
});
