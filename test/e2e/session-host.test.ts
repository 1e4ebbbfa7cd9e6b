import { afterAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../src/serve/serve-http.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { createLinkedPair } from '../../src/transports/memory/linked-pair.js';
import { openSession, post } from '../runtime/http-helpers.js';
import { waitUntil } from '../support/wait.js';

// One 2025 session lifecycle for every transport (server/session-host.ts): the same answers to
// `notifications/cancelled` (its reason reaches the handler), duplicate ids, and session counts,
// whether the session lives on a message stream or on HTTP.

function serverRecordingCancels(reasons: string[]): McpServer {
  const server = new McpServer({ name: 'host', version: '1', onDiagnostic: () => {} });
  server.tool('wait', {
    handler: (_args, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          reasons.push((ctx.signal.reason as Error).message);
          reject(ctx.signal.reason);
        });
      }),
  });
  return server;
}

const cancel = (requestId: number, reason: string) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/cancelled',
  params: { requestId, reason },
});

describe('the session host', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('gives a cancelled request its reason over HTTP, as on message streams', async () => {
    const reasons: string[] = [];
    const server = serverRecordingCancels(reasons);
    const http = await serveHttp(server, { port: 0 });
    closers.push(() => http.close());
    const sessionId = await openSession(http.url);
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    void post(http.url, { jsonrpc: '2.0', id: 41, method: 'tools/call', params: { name: 'wait' } }, headers);
    await waitUntil(() => server.core.supervisor.inFlight === 1);
    await post(http.url, cancel(41, 'the user pressed stop'), headers);
    await waitUntil(() => reasons.length === 1);

    const [clientSide, serverSide] = createLinkedPair();
    await server.connect(serverSide);
    const answers: Record<string, unknown>[] = [];
    await clientSide.start({
      onMessage: (value) => answers.push(value as Record<string, unknown>),
      onFrameError: () => {},
      onClose: () => {},
    });
    clientSide.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'm', version: '1' } },
    });
    await waitUntil(() => answers.length === 1);
    expect(server.core.sessions.size).toBe(2);
    clientSide.send({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'wait' } });
    clientSide.send({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'wait' } });
    await waitUntil(() => answers.length === 2);
    expect(answers[1]).toMatchObject({
      id: 42,
      error: { code: -32600, message: 'Request id 42 is already in flight' },
    });
    clientSide.send(cancel(42, 'the user pressed stop'));
    await waitUntil(() => reasons.length === 2);
    expect(reasons).toEqual(['the user pressed stop', 'the user pressed stop']);
    await clientSide.close();
    await waitUntil(() => server.core.sessions.size === 1);
  });
});
