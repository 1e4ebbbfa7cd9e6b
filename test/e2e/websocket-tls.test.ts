/**
 * wss:// with mutual TLS: clients without a valid certificate are refused during the TLS handshake,
 * plaintext clients fail cleanly, certificates reload without a restart, and attachWebSocket on an
 * existing https server takes the principal from the client certificate.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client } from '../../src/client/client.js';
import { McpServer } from '../../src/server/mcp-server.js';
import { serverTlsOptions, type TlsOptions } from '../../src/transports/tls/tls-options.js';
import {
  attachWebSocket,
  serveWebSocket,
  WebSocketClientTransport,
  type WebSocketServerHandle,
} from '../../src/transports/websocket/index.js';
import { generateTestCerts, type TestCerts } from '../support/test-certs.js';
import { contentText } from '../support/wait.js';

let certs: TestCerts;
let tls: TlsOptions;
beforeAll(() => {
  certs = generateTestCerts();
  tls = { cert: { path: certs.serverCert }, key: { path: certs.serverKey }, clientCa: { path: certs.ca } };
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'ws-tls', version: '1.0.0', onDiagnostic: () => {} });
  server.tool('whoami', { handler: (_args, ctx) => ctx.principal ?? 'anonymous' });
  return server;
}

async function serve() {
  const handle = await serveWebSocket(mcpServer(), { port: 0, tls });
  closers.push(() => handle.destroy());
  return handle;
}

async function connectClient(url: string, client: { cert: string; key: string } | undefined) {
  const erlmcp = new Client({ name: 'c', version: '1' }, { versionNegotiation: 'modern' });
  const transport = new WebSocketClientTransport(url, {
    tls: {
      ca: certs.read(certs.ca),
      ...(client ? { cert: certs.read(client.cert), key: certs.read(client.key) } : {}),
    },
  });
  closers.push(() => erlmcp.close());
  await erlmcp.connect(transport);
  return erlmcp;
}

async function trusted(handle: WebSocketServerHandle | string) {
  const url = typeof handle === 'string' ? handle : handle.url;
  return connectClient(url, { cert: certs.clientCert, key: certs.clientKey });
}

/** A raw wss peer: resolves 'open' or the error that ended it, never hangs. */
function attempt(url: string, options: WebSocket.ClientOptions): Promise<'open' | Error> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['mcp'], options);
    ws.once('open', () => {
      resolve('open');
      ws.terminate();
    });
    ws.once('error', (error) => resolve(error));
  });
}

describe('wss:// with mutual TLS', () => {
  it('refuses a client without a certificate during the handshake', async () => {
    const handle = await serve();
    const result = await attempt(handle.url, { ca: certs.read(certs.ca) });
    expect(result).toBeInstanceOf(Error);
    await expect(connectClient(handle.url, undefined)).rejects.toMatchObject({
      code: 'ERR_CONNECTION_CLOSED',
    });
    expect(handle.connectionCount).toBe(0);
    expect(contentText(await (await trusted(handle)).callTool('whoami'))).toBe(
      'spiffe://erlmcp.test/client-a',
    );
  });

  it('refuses a certificate from another CA and an expired certificate', async () => {
    const handle = await serve();
    await expect(
      connectClient(handle.url, { cert: certs.foreignClientCert, key: certs.foreignClientKey }),
    ).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
    await expect(
      connectClient(handle.url, { cert: certs.expiredClientCert, key: certs.expiredClientKey }),
    ).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
    expect(handle.connectionCount).toBe(0);
    expect(contentText(await (await trusted(handle)).callTool('whoami'))).toBe(
      'spiffe://erlmcp.test/client-a',
    );
  });

  it('a plaintext client on the wss port fails cleanly; so does a client not trusting the server', async () => {
    const handle = await serve();
    expect(await attempt(handle.url.replace('wss:', 'ws:'), {})).toBeInstanceOf(Error);
    expect(
      await attempt(handle.url, { cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) }),
    ).toBeInstanceOf(Error);
    expect(contentText(await (await trusted(handle)).callTool('whoami'))).toBe(
      'spiffe://erlmcp.test/client-a',
    );
  });

  it('reloadTls() installs a new server certificate for new handshakes', async () => {
    const handle = await serve();
    const port = Number(new URL(handle.url).port);
    const serverName = () =>
      new Promise<string | undefined>((resolve, reject) => {
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port,
            ca: certs.read(certs.ca),
            cert: certs.read(certs.clientCert),
            key: certs.read(certs.clientKey),
            servername: 'localhost',
          },
          () => {
            resolve(socket.getPeerCertificate().subject?.CN as string | undefined);
            socket.destroy();
          },
        );
        socket.once('error', reject);
      });
    expect(await serverName()).toBe('localhost');
    const kept = await trusted(handle);
    handle.reloadTls({
      ...tls,
      cert: { path: certs.reloadedServerCert },
      key: { path: certs.reloadedServerKey },
    });
    expect(await serverName()).toBe('erlmcp-reloaded');
    expect(contentText(await kept.callTool('whoami'))).toBe('spiffe://erlmcp.test/client-a');
    expect(contentText(await (await trusted(handle)).callTool('whoami'))).toBe(
      'spiffe://erlmcp.test/client-a',
    );
  });

  it('reloadTls() on a plain ws:// server throws', async () => {
    const handle = await serveWebSocket(mcpServer(), { port: 0 });
    closers.push(() => handle.close());
    expect(() => handle.reloadTls()).toThrow(TypeError);
  });

  it('attachWebSocket on an existing https server takes the principal from the client certificate', async () => {
    const https = createHttpsServer(serverTlsOptions(tls), (_req, res) => res.end('app'));
    const attachment = attachWebSocket(mcpServer(), https);
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      await attachment.close();
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    });
    const { port } = https.address() as AddressInfo;
    const client = await trusted(`wss://127.0.0.1:${port}/mcp`);
    expect(contentText(await client.callTool('whoami'))).toBe('spiffe://erlmcp.test/client-a');
  });
});
