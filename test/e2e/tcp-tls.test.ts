/**
 * TCP and TLS specifics: the mutual-TLS principal, certificate reload, reconnection, and bad input
 * (each refused or closed cleanly without touching other connections).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { keepConnected } from '../../src/client/keep-connected.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { TcpClientTransport } from '../../src/transports/tcp/client-transport.js';
import { type ServeTcpOptions, serveTcp, type TcpServerHandle } from '../../src/transports/tcp/serve-tcp.js';
import { clientTls, serverMutualTls } from '../support/test-certs.js';
import { testCerts } from '../support/transport-kinds.js';
import { contentText, waitUntil } from '../support/wait.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function whoamiServer(): McpServer {
  const server = new McpServer({ name: 'tcp-test', version: '1', onDiagnostic: () => {} });
  server.tool('whoami', { handler: (_args, ctx) => ctx.principal ?? 'anonymous' });
  server.tool('flood', {
    inputSchema: { type: 'object', properties: { count: { type: 'number' } } },
    handler: async (args, ctx) => {
      for (let i = 0; i < (args.count as number); i++) await ctx.log('info', 'x'.repeat(256 * 1024));
      return 'flooded';
    },
  });
  return server;
}

async function serve(options: ServeTcpOptions = {}): Promise<TcpServerHandle> {
  const handle = await serveTcp(whoamiServer(), { port: 0, ...options });
  cleanups.push(() => handle.destroy());
  return handle;
}

function mutualTls(): ServeTcpOptions['tls'] {
  const c = testCerts();
  return serverMutualTls(c);
}

async function client(url: string, tls?: ConstructorParameters<typeof TcpClientTransport>[1]) {
  const connected = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'legacy' });
  await connected.connect(new TcpClientTransport(url, tls));
  cleanups.push(() => connected.close());
  return connected;
}

/** A raw line-level peer: what it sends and the lines it gets back. */
async function rawPeer(port: number): Promise<{ socket: Socket; lines: () => unknown[] }> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  cleanups.push(() => socket.destroy());
  let buffered = '';
  const lines: unknown[] = [];
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, nl)));
      buffered = buffered.slice(nl + 1);
    }
  });
  return { socket, lines: () => lines };
}

/** Resolves with how a TLS handshake ended: 'connected' or the error's code/message. */
function handshake(port: number, options: Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, ...options });
    socket.once('secureConnect', () => {
      // TLS 1.3 reports a refused client certificate after the handshake: wait for the server's verdict.
      socket.once('data', () => {});
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      socket.once('close', () => resolve('closed by server'));
      socket.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
      setTimeout(() => resolve('connected'), 300);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    cleanups.push(() => socket.destroy());
  });
}

describe('TCP', () => {
  it('answers invalid JSON with -32700 and an oversized line with -32600, and the connection goes on', async () => {
    const handle = await serve({ maxMessageBytes: 1024 });
    const peer = await rawPeer(Number(new URL(handle.url).port));
    peer.socket.write('{not json\n');
    peer.socket.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2000) } })}\n`,
    );
    peer.socket.write(
      '{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}\n',
    );
    await waitUntil(() => peer.lines().length === 3);
    const [parse, tooLarge, initialized] = peer.lines() as {
      id: unknown;
      error?: { code: number };
      result?: unknown;
    }[];
    expect(parse?.error?.code).toBe(-32700);
    expect(tooLarge?.error?.code).toBe(-32600);
    expect(initialized).toMatchObject({ id: 2, result: { protocolVersion: '2025-11-25' } });
  });

  it('stops reading from a peer that never reads, then cuts it off, while another client is served', async () => {
    const handle = await serve({ maxBufferedBytes: 256 * 1024 });
    const port = Number(new URL(handle.url).port);
    const stalled = await rawPeer(port);
    stalled.socket.pause(); // never reads what the server writes
    stalled.socket.write(
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}\n',
    );
    stalled.socket.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    stalled.socket.write('{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"info"}}\n');
    stalled.socket.write(
      '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"flood","arguments":{"count":200}}}\n',
    );
    const connections = () =>
      new Promise<number>((resolve) => handle.server.getConnections((_error, count) => resolve(count)));
    const healthy = await client(handle.url);
    expect(contentText(await healthy.callTool('whoami'))).toBe('anonymous');
    // 50 MiB unread is far past the kernel's buffers and twice the 256 KiB limit: the server drops
    // the stalled peer's connection (the peer, not reading, may not even notice yet).
    let count = 2;
    for (let i = 0; i < 100 && count > 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      count = await connections();
    }
    expect(count).toBe(1);
    expect(contentText(await healthy.callTool('whoami'))).toBe('anonymous');
  });

  it('reconnects with backoff after the server goes away and negotiates again', async () => {
    const first = await serveTcp(whoamiServer(), { port: 0 });
    const port = Number(new URL(first.url).port);
    const connected = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'legacy' });
    let reconnects = 0;
    const kept = keepConnected(connected, () => new TcpClientTransport(`tcp://127.0.0.1:${port}`), {
      initialDelayMs: 20,
      onReconnect: () => reconnects++,
    });
    cleanups.push(() => kept.stop());
    await kept.ready;
    expect(contentText(await connected.callTool('whoami'))).toBe('anonymous');
    await first.destroy();
    await waitUntil(() => !connected.connected);
    const second = await serveTcp(whoamiServer(), { port });
    cleanups.push(() => second.destroy());
    await waitUntil(() => reconnects === 1 && connected.connected, 5_000);
    expect(contentText(await connected.callTool('whoami'))).toBe('anonymous');
  });
});

describe('TLS', () => {
  it('gives handlers the client certificate identity as the principal', async () => {
    const c = testCerts();
    const handle = await serve({ tls: mutualTls()! });
    const connected = await client(handle.url, {
      tls: clientTls(c),
    });
    expect(contentText(await connected.callTool('whoami'))).toBe('spiffe://erlmcp.test/client-a');
  });

  it('refuses clients without a certificate, from another CA, or expired, and plaintext; others are unaffected', async () => {
    const c = testCerts();
    const handle = await serve({ tls: mutualTls()! });
    const port = Number(new URL(handle.url).port);
    const good = await client(handle.url, {
      tls: clientTls(c),
    });
    const ca = c.read(c.ca);
    // The probe itself can succeed: a valid client certificate connects.
    expect(await handshake(port, { ca, cert: c.read(c.clientCert), key: c.read(c.clientKey) })).toBe(
      'connected',
    );
    expect(await handshake(port, { ca })).not.toBe('connected');
    expect(
      await handshake(port, { ca, cert: c.read(c.foreignClientCert), key: c.read(c.foreignClientKey) }),
    ).not.toBe('connected');
    expect(
      await handshake(port, { ca, cert: c.read(c.expiredClientCert), key: c.read(c.expiredClientKey) }),
    ).not.toBe('connected');
    // Plaintext on the TLS port: the handshake fails and the server drops the socket.
    const plain = await rawPeer(port);
    const plainClosed = new Promise((resolve) => plain.socket.once('close', resolve));
    plain.socket.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    await plainClosed;
    expect(plain.lines()).toEqual([]);
    expect(contentText(await good.callTool('whoami'))).toBe('spiffe://erlmcp.test/client-a');
  });

  it('reloads its certificate without a restart: new connections get the new one', async () => {
    const c = testCerts();
    const tls = { cert: { path: c.serverCert }, key: { path: c.serverKey } };
    const handle = await serve({ tls });
    const peerCn = async () => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: Number(new URL(handle.url).port),
        ca: c.read(c.ca),
      });
      cleanups.push(() => socket.destroy());
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      return socket.getPeerCertificate().subject.CN;
    };
    expect(await peerCn()).toBe('localhost');
    tls.cert.path = c.reloadedServerCert;
    tls.key.path = c.reloadedServerKey;
    handle.reloadTls();
    expect(await peerCn()).toBe('erlmcp-reloaded');
  });
});
