import { describe, expect, it } from 'vitest';
import { BARE_MODERN_META } from '../../test/support/server-harness.js';
import { LazyAbort } from '../jsonrpc/lazy-abort.js';
import type { JsonRpcResponse } from '../jsonrpc/message.js';
import { McpServer } from './mcp-server.js';
import { serveRequest } from './request-runner.js';

function serverWithTools(): McpServer {
  const server = new McpServer({ name: 'runner-test', version: '1' });
  server.tool('sync-echo', { handler: (args) => `sync ${JSON.stringify(args)}` });
  server.tool('async-echo', { handler: async () => 'async' });
  server.tool('sync-throws', {
    handler: () => {
      throw new Error('boom');
    },
  });
  // A handler that breaks its contract: it must return text or a result object.
  server.tool('sync-undefined', { handler: () => undefined as never });
  return server;
}

function call(server: McpServer, name: string, id = 1) {
  const answers: (JsonRpcResponse | undefined)[] = [];
  serveRequest(
    server.core,
    { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {}, _meta: BARE_MODERN_META } },
    {
      link: { notify: () => {}, request: () => Promise.reject(new Error('no input')) },
      session: undefined,
      principal: undefined,
    },
    new LazyAbort(),
    (response) => answers.push(response),
  );
  return answers;
}

describe('serveRequest', () => {
  it('answers a synchronous tool before it returns, with no request left in flight', () => {
    const server = serverWithTools();
    const answers = call(server, 'sync-echo');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      id: 1,
      result: { resultType: 'complete', content: [{ type: 'text', text: 'sync {}' }] },
    });
    expect(server.core.supervisor.inFlight).toBe(0);
  });

  it('answers an asynchronous tool later, tracked by the supervisor until then', async () => {
    const server = serverWithTools();
    const answers = call(server, 'async-echo');
    expect(answers).toHaveLength(0);
    expect(server.core.supervisor.inFlight).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ result: { content: [{ type: 'text', text: 'async' }] } });
    expect(server.core.supervisor.inFlight).toBe(0);
  });

  it('turns a synchronous throw into a tool error result, synchronously', () => {
    const answers = call(serverWithTools(), 'sync-throws');
    expect(answers[0]).toMatchObject({
      result: { isError: true, content: [{ type: 'text', text: 'boom' }] },
    });
  });

  it('answers a handler that returned no result with an internal error, once', () => {
    const answers = call(serverWithTools(), 'sync-undefined');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ error: { code: -32603 } });
  });

  it('answers an unknown tool with invalid params, synchronously', () => {
    const answers = call(serverWithTools(), 'missing');
    expect(answers[0]).toMatchObject({ error: { code: -32602 } });
  });
});
