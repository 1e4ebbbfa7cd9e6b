import type { Transport } from '../../src/core/transport.js';
import type { McpServer } from '../../src/server/mcp-server.js';
import { createLinkedPair } from '../../src/transports/memory/linked-pair.js';
import { TcpClientTransport } from '../../src/transports/tcp/client-transport.js';
import { serveTcp } from '../../src/transports/tcp/serve-tcp.js';
import { WebSocketClientTransport } from '../../src/transports/websocket/client-transport.js';
import { serveWebSocket } from '../../src/transports/websocket/serve-websocket.js';
import { clientTls, generateTestCerts, serverMutualTls, type TestCerts } from './test-certs.js';

/** A way to connect an erlmcp client to an McpServer: the e2e suite runs over each. */
export interface TransportKind {
  name: string;
  /** The principal a handler sees for this connection (mutual TLS). */
  principal?: string;
  open(server: McpServer): Promise<{ transport: Transport; close: () => Promise<void> }>;
}

let certs: TestCerts | undefined;
/** Generated once per test file, on first use (needs the openssl binary). */
export function testCerts(): TestCerts {
  certs ??= generateTestCerts();
  return certs;
}

export const memoryKind: TransportKind = {
  name: 'memory',
  async open(server) {
    const [clientSide, serverSide] = createLinkedPair();
    await server.connect(serverSide);
    return { transport: clientSide, close: () => server.close() };
  },
};

export const tcpKind: TransportKind = {
  name: 'tcp',
  async open(server) {
    const handle = await serveTcp(server, { port: 0 });
    return { transport: new TcpClientTransport(handle.url), close: () => handle.close() };
  },
};

export const mutualTlsKind: TransportKind = {
  name: 'tls (mutual)',
  principal: 'spiffe://erlmcp.test/client-a',
  async open(server) {
    const c = testCerts();
    const handle = await serveTcp(server, {
      port: 0,
      tls: serverMutualTls(c),
    });
    const transport = new TcpClientTransport(handle.url, {
      tls: clientTls(c),
    });
    return { transport, close: () => handle.close() };
  },
};

export const webSocketKind: TransportKind = {
  name: 'ws',
  async open(server) {
    const handle = await serveWebSocket(server, { port: 0 });
    return { transport: new WebSocketClientTransport(handle.url), close: () => handle.close() };
  },
};

export const secureWebSocketKind: TransportKind = {
  name: 'wss (mutual TLS)',
  principal: 'spiffe://erlmcp.test/client-a',
  async open(server) {
    const c = testCerts();
    const handle = await serveWebSocket(server, {
      port: 0,
      tls: serverMutualTls(c),
    });
    const transport = new WebSocketClientTransport(handle.url, {
      tls: clientTls(c),
    });
    return { transport, close: () => handle.close() };
  },
};
