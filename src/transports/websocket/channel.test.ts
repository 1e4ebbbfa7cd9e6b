import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { waitUntil } from '../../../test/support/wait.js';
import type { FrameError, MessageSink } from '../../core/transport.js';
import { WebSocketClientTransport } from './client-transport.js';
import { WebSocketServerTransport } from './server-transport.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function recorder() {
  const messages: unknown[] = [];
  const frameErrors: FrameError[] = [];
  const closes: (Error | undefined)[] = [];
  const sink: MessageSink = {
    onMessage: (value) => messages.push(value),
    onFrameError: (error) => frameErrors.push(error),
    onClose: (error) => closes.push(error),
  };
  return { sink, messages, frameErrors, closes };
}

/** A bare `ws` server on port 0 whose accepted sockets the test receives. */
async function wsServer(options: WebSocket.ServerOptions = {}) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  const accepted: WebSocket[] = [];
  const transports: WebSocketServerTransport[] = [];
  // As attachWebSocket does: the transport is made in the same tick as the upgrade, losing nothing.
  server.on('connection', (ws) => {
    accepted.push(ws);
    transports.push(new WebSocketServerTransport(ws));
  });
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(async () => {
    for (const ws of accepted) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/mcp`, accepted, transports };
}

describe('WebSocket transports (client ↔ server transport over loopback)', () => {
  it('carries one message per text frame both ways; queues sends made during the handshake', async () => {
    const { url, transports } = await wsServer();
    const client = new WebSocketClientTransport(url);
    const clientSide = recorder();
    client.start(clientSide.sink);
    client.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    closers.push(() => client.close());
    await waitUntil(() => transports.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const server = transports[0]!;
    const serverSide = recorder();
    server.start(serverSide.sink);
    await waitUntil(() => serverSide.messages.length === 2);
    expect(serverSide.messages[0]).toEqual({ jsonrpc: '2.0', id: 1, method: 'ping' });
    server.send({ jsonrpc: '2.0', id: 1, result: {} });
    await waitUntil(() => clientSide.messages.length === 1);
    expect(clientSide.messages[0]).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });

  it('the server transport holds what arrives before start()', async () => {
    const { url, transports } = await wsServer();
    const peer = new WebSocket(url);
    closers.push(async () => peer.terminate());
    await new Promise((resolve) => peer.once('open', resolve));
    await waitUntil(() => transports.length === 1);
    const server = transports[0]!;
    peer.send('{"jsonrpc":"2.0","method":"early"}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const serverSide = recorder();
    server.start(serverSide.sink);
    await waitUntil(() => serverSide.messages.length === 1);
    expect(serverSide.messages[0]).toEqual({ jsonrpc: '2.0', method: 'early' });
  });

  it('reports invalid JSON as a frame error and goes on', async () => {
    const { url, transports } = await wsServer();
    const peer = new WebSocket(url);
    closers.push(async () => peer.terminate());
    await new Promise((resolve) => peer.once('open', resolve));
    await waitUntil(() => transports.length === 1);
    const serverSide = recorder();
    transports[0]!.start(serverSide.sink);
    peer.send('not json');
    peer.send('{"ok":true}');
    await waitUntil(() => serverSide.messages.length === 1);
    expect(serverSide.frameErrors).toMatchObject([{ kind: 'invalid_json' }]);
    expect(serverSide.closes).toEqual([]);
  });

  it('close(): the client says 1000, the server 1001; onClose once; send afterwards throws', async () => {
    const { url, accepted, transports } = await wsServer();
    const client = new WebSocketClientTransport(url);
    const clientSide = recorder();
    client.start(clientSide.sink);
    await waitUntil(() => transports.length === 1);
    const serverSide = recorder();
    const server = transports[0]!;
    server.start(serverSide.sink);
    await server.close();
    await server.close();
    expect(server.closeCode).toBe(1001);
    await waitUntil(() => clientSide.closes.length === 1);
    expect(client.closeCode).toBe(1001);
    expect(clientSide.closes[0]?.message).toMatch(/code 1001: server shutting down/);
    expect(serverSide.closes).toEqual([undefined]);
    expect(() => server.send({ jsonrpc: '2.0', method: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONNECTION_CLOSED' }),
    );
    const second = new WebSocketClientTransport(url);
    second.start(recorder().sink);
    await waitUntil(() => transports.length === 2);
    transports[1]!.start(recorder().sink);
    const peer = accepted[1]!;
    const code = new Promise((resolve) => peer.once('close', resolve));
    await second.close();
    expect(await code).toBe(1000);
  });

  it('a refused or unreachable server closes the client transport with ERR_CONNECTION_CLOSED', async () => {
    const { url } = await wsServer({ verifyClient: () => false });
    const client = new WebSocketClientTransport(url);
    const clientSide = recorder();
    client.start(clientSide.sink);
    client.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await waitUntil(() => clientSide.closes.length === 1);
    expect(clientSide.closes[0]).toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
    expect(clientSide.closes[0]?.message).toMatch(/401/);
    await client.close();
  });

  it('names the server by its URL and accepts only WebSocket URLs', () => {
    expect(new WebSocketClientTransport('ws://127.0.0.1:1/mcp').serverKey).toBe('ws://127.0.0.1:1/mcp');
    expect(new WebSocketClientTransport(new URL('wss://example.com/a?b=c')).serverKey).toBe(
      'wss://example.com/a?b=c',
    );
    expect(() => new WebSocketClientTransport('ftp://example.com')).toThrow(TypeError);
    expect(() =>
      new WebSocketClientTransport('ws://127.0.0.1:1').send({ jsonrpc: '2.0', method: 'x' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_NOT_CONNECTED' }));
  });
});
