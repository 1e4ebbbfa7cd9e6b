/**
 * Bad peers against an erlmcp WebSocket server: each is refused or closed on its own, and a
 * well-behaved client on the same server keeps being served.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client } from '../../src/client/client.js';
import { McpServer } from '../../src/server/mcp-server.js';
import {
  attachWebSocket,
  serveWebSocket,
  WebSocketClientTransport,
  type WebSocketServerHandle,
  type WebSocketServerOptions,
} from '../../src/transports/websocket/index.js';
import { BARE_MODERN_META } from '../support/server-harness.js';
import { contentText, waitUntil } from '../support/wait.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'ws-bad-input', version: '1.0.0', onDiagnostic: () => {} });
  server.tool('echo', { handler: ({ message }) => `Echo: ${String(message)}` });
  server.tool<{ kib: number }>('blob', { handler: ({ kib }) => 'x'.repeat(kib * 1024) });
  return server;
}

async function serve(options: WebSocketServerOptions = {}, mcp = mcpServer()) {
  const handle = await serveWebSocket(mcp, { port: 0, ...options });
  closers.push(() => handle.destroy());
  return handle;
}

/** A raw `ws` peer, for what the erlmcp client would never send. */
function raw(url: string, protocols: string[] = ['mcp'], options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url, protocols, options);
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
  closers.push(async () => {
    ws.terminate();
    await closed;
  });
  const call = (id: number, name: string, args: Record<string, unknown>) =>
    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name, arguments: args, _meta: BARE_MODERN_META },
      }),
    );
  return { ws, messages, closed, opened, call };
}

/** A good client on the same server, to show a bad peer touched only itself. */
async function goodClient(handle: WebSocketServerHandle) {
  const client = new Client({ name: 'good', version: '1' }, { versionNegotiation: 'modern' });
  await client.connect(new WebSocketClientTransport(handle.url));
  closers.push(() => client.close());
  return client;
}

async function stillServes(client: Client) {
  expect(contentText(await client.callTool('echo', { message: 'ok' }))).toBe('Echo: ok');
}

describe('WebSocket bad frames', () => {
  it('closes a connection that sends a binary frame with 1003', async () => {
    const handle = await serve();
    const good = await goodClient(handle);
    const peer = raw(handle.url);
    await peer.opened;
    peer.ws.send(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}'), { binary: true });
    expect((await peer.closed).code).toBe(1003);
    await stillServes(good);
  });

  it('closes a connection whose frame is over maxMessageBytes with 1009', async () => {
    const handle = await serve({ maxMessageBytes: 1024 });
    const good = await goodClient(handle);
    const peer = raw(handle.url);
    await peer.opened;
    peer.call(1, 'echo', { message: 'x'.repeat(2048) });
    expect((await peer.closed).code).toBe(1009);
    await stillServes(good);
  });

  it('answers invalid UTF-8 in a text frame with -32700 (as every transport does), then closes with 1007', async () => {
    const handle = await serve();
    const good = await goodClient(handle);
    const peer = raw(handle.url);
    await peer.opened;
    peer.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]), { binary: false });
    expect((await peer.closed).code).toBe(1007);
    expect(peer.messages).toEqual([
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'Parse error: message is not valid UTF-8' },
      },
    ]);
    await stillServes(good);
  });

  it('answers invalid JSON with -32700 and keeps the connection', async () => {
    const handle = await serve();
    const peer = raw(handle.url);
    await peer.opened;
    peer.ws.send('{"jsonrpc": "2.0", "id": 1, "method": ');
    await waitUntil(() => peer.messages.length === 1);
    expect(peer.messages[0]).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    peer.call(2, 'echo', { message: 'after' });
    await waitUntil(() => peer.messages.length === 2);
    expect(peer.messages[1]).toMatchObject({ id: 2, result: { content: [{ text: 'Echo: after' }] } });
    expect(peer.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers a text frame that is JSON but not JSON-RPC with -32600', async () => {
    const handle = await serve();
    const peer = raw(handle.url);
    await peer.opened;
    peer.ws.send('[1, 2, 3]');
    await waitUntil(() => peer.messages.length === 1);
    expect(peer.messages[0]).toMatchObject({ error: { code: -32600 } });
    expect(peer.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('WebSocket peers that misbehave over time', () => {
  it('cuts off a peer that never reads, bounding its outbound buffer, and serves others', async () => {
    const handle = await serve({ maxBufferedBytes: 256 * 1024, maxBufferedMs: 300 });
    const good = await goodClient(handle);
    const peer = raw(handle.url);
    await peer.opened;
    // Stop reading: the kernel buffers fill, then ours; erlmcp must not grow without bound.
    peer.ws.pause();
    for (let id = 1; id <= 100; id++) peer.call(id, 'blob', { kib: 256 });
    await waitUntil(() => handle.connectionCount === 1, 10_000);
    await stillServes(good);
    peer.ws.resume();
    expect((await peer.closed).code).not.toBe(1000);
  });

  it('detects a peer that vanished without a close (no pongs) by heartbeat', async () => {
    const handle = await serve({ heartbeatMs: 50 });
    const good = await goodClient(handle);
    // autoPong off: the peer's TCP connection stays up, but nothing answers, like a frozen host.
    const peer = raw(handle.url, ['mcp'], { autoPong: false });
    await peer.opened;
    expect(handle.connectionCount).toBe(2);
    await waitUntil(() => handle.connectionCount === 1, 2000);
    expect((await peer.closed).code).toBe(1006);
    await stillServes(good);
  });

  it('keeps a live peer across many heartbeats', async () => {
    const handle = await serve({ heartbeatMs: 30 });
    const good = await goodClient(handle);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handle.connectionCount).toBe(1);
    await stillServes(good);
  });

  it('the client side detects a server that stopped answering pings', async () => {
    const { WebSocketServer } = await import('ws');
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    closers.push(() => new Promise((resolve) => silent.close(() => resolve())));
    silent.on('connection', (ws) => closers.push(async () => ws.terminate()));
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as AddressInfo;
    const transport = new WebSocketClientTransport(`ws://127.0.0.1:${port}/`, { heartbeatMs: 50 });
    let closedWith: Error | undefined;
    transport.start({
      onMessage: () => {},
      onFrameError: () => {},
      onClose: (error) => (closedWith = error),
    });
    closers.push(() => transport.close());
    await waitUntil(() => closedWith !== undefined, 2000);
    expect(closedWith?.message).toMatch(/no pong/);
  });
});

describe('WebSocket upgrade checks', () => {
  it('refuses a foreign Origin and a foreign Host with 403, accepts localhost origins', async () => {
    const handle = await serve();
    await expect(raw(handle.url, ['mcp'], { origin: 'https://evil.example' }).opened).rejects.toThrow(
      'HTTP 403',
    );
    await expect(raw(handle.url, ['mcp'], { headers: { host: 'evil.example' } }).opened).rejects.toThrow(
      'HTTP 403',
    );
    await raw(handle.url, ['mcp'], { origin: 'http://localhost:5173' }).opened;
    const allowed = await serve({ allowedOrigins: ['https://app.example'], allowedHosts: '*' });
    await raw(allowed.url, ['mcp'], { origin: 'https://app.example', headers: { host: 'x.example' } }).opened;
    await expect(raw(allowed.url, ['mcp'], { origin: 'http://localhost' }).opened).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('speaks subprotocol mcp, refuses clients offering only others, accepts clients offering none', async () => {
    const handle = await serve();
    const offering = raw(handle.url, ['other', 'mcp']);
    await offering.opened;
    expect(offering.ws.protocol).toBe('mcp');
    await expect(raw(handle.url, ['graphql-ws']).opened).rejects.toThrow('HTTP 400');
    const none = raw(handle.url, []);
    await none.opened;
    expect(none.ws.protocol).toBe('');
  });

  it('the erlmcp client reports a refused upgrade as a closed connection', async () => {
    const handle = await serve({ allowedOrigins: ['https://app.example'] });
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'modern' });
    const transport = new WebSocketClientTransport(handle.url, {
      headers: { origin: 'https://evil.example' },
    });
    await expect(client.connect(transport)).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
  });

  it('standalone: 404 for other paths, 426 for plain HTTP at the path; refuses upgrades while closing', async () => {
    const handle = await serve();
    await expect(raw(handle.url.replace('/mcp', '/other')).opened).rejects.toThrow('HTTP 404');
    const response = await fetch(handle.url.replace('ws:', 'http:'));
    expect(response.status).toBe(426);
    const good = await goodClient(handle);
    const slow = good.callTool('echo', { message: 'x' });
    await slow;
    const closing = handle.close();
    await expect(raw(handle.url).opened).rejects.toThrow();
    await closing;
  });

  it('attaches to an existing http server, leaving other paths to other listeners; 503 while draining', async () => {
    const http = createHttpServer((_req, res) => res.end('app'));
    let otherUpgrades = 0;
    http.on('upgrade', (req, socket) => {
      if (req.url === '/chat') {
        otherUpgrades++;
        socket.destroy();
      }
    });
    const attachment = attachWebSocket(mcpServer(), http, { path: '/rpc' });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      await attachment.close();
      await new Promise((resolve) => http.close(resolve));
    });
    const { port } = http.address() as AddressInfo;
    const client = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'legacy' });
    await client.connect(new WebSocketClientTransport(`ws://127.0.0.1:${port}/rpc`));
    closers.push(() => client.close());
    await stillServes(client);
    expect(attachment.connectionCount).toBe(1);
    await expect(raw(`ws://127.0.0.1:${port}/chat`).opened).rejects.toThrow();
    expect(otherUpgrades).toBe(1);
    // The http server still listens while the attachment drains: new upgrades hear 503.
    const closing = attachment.close();
    await expect(raw(`ws://127.0.0.1:${port}/rpc`).opened).rejects.toThrow('HTTP 503');
    await closing;
    expect(attachment.connectionCount).toBe(0);
    expect(client.connected).toBe(false);
  });
});
