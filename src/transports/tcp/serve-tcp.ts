import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from 'node:tls';
import type { McpServer } from '../../server/mcp-server.js';
import { principalOf, reloadTls, serverTlsOptions, type TlsOptions } from '../tls/tls-options.js';
import { SocketTransport, type SocketTransportOptions } from './socket-transport.js';

export interface ServeTcpOptions extends Omit<SocketTransportOptions, 'serverKey'> {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 3001. */
  port?: number;
  /** TLS (and mutual TLS with `clientCa`): `tls://` instead of `tcp://`. */
  tls?: TlsOptions;
  /** How long a TLS handshake may take before the socket is dropped. Default 10 s. */
  handshakeTimeoutMs?: number;
}

export interface TcpServerHandle {
  /** `tcp://host:port` or `tls://host:port`. */
  readonly url: string;
  readonly server: Server | TlsServer;
  /** Re-reads the TLS certificate files: new connections use them; open ones keep theirs. */
  reloadTls(): void;
  /** Stops accepting and drains the McpServer (running requests finish), then closes sockets. */
  close(): Promise<void>;
  /** Closes everything at once. */
  destroy(): Promise<void>;
}

/**
 * Serves an McpServer over raw TCP or TLS: one connection is one MCP session (2025) or a stream of
 * stateless requests (2026), ndjson framed like stdio. With mutual TLS the client certificate's
 * identity is the connection's principal.
 */
export async function serveTcp(mcp: McpServer, options: ServeTcpOptions = {}): Promise<TcpServerHandle> {
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const principal = options.tls ? principalOf(socket as TLSSocket) : undefined;
    const ip = socket.remoteAddress;
    void mcp.connect(new SocketTransport(socket, { ...options, countBytesAs: 'tcp' }), {
      ...(principal === undefined ? {} : { principal }),
      ...(ip === undefined ? {} : { ip }),
    });
  };
  const tls = options.tls;
  const server = tls
    ? createTlsServer(
        { ...serverTlsOptions(tls), handshakeTimeout: options.handshakeTimeoutMs ?? 10_000 },
        onConnection,
      )
    : createNetServer(onConnection);
  // Failed handshakes (no or foreign client certificate, plaintext on a TLS port) end that socket only.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3001, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const handle: TcpServerHandle = {
    url: `${tls ? 'tls' : 'tcp'}://${shownHost}:${port}`,
    server,
    reloadTls() {
      if (!tls) throw new Error('reloadTls: this server does not use TLS');
      reloadTls(server as TlsServer, tls);
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await mcp.close();
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
    async destroy() {
      mcp.core.supervisor.destroy();
      for (const socket of sockets) socket.destroy();
      await handle.close();
    },
  };
  return handle;
}
