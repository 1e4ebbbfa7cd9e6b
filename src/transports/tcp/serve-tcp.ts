import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from 'node:tls';
import type { McpServer } from '../../server/mcp-server.js';
import { listen } from '../listener.js';
import { principalOf, serverTlsOptions, type TlsOptions } from '../tls/tls-options.js';
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
  /**
   * Re-reads the TLS certificate files (or installs `next`): new connections use them, open ones keep
   * theirs. Throws a TypeError on a server started without TLS.
   */
  reloadTls(next?: TlsOptions): void;
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
  const onConnection = (socket: Socket) => {
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
  const listener = await listen(server, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 3001,
    tls,
  });
  const handle: TcpServerHandle = {
    url: listener.origin(tls ? 'tls' : 'tcp'),
    server,
    reloadTls(next) {
      listener.reloadTls(next);
    },
    close() {
      return listener.close(() => mcp.close());
    },
    async destroy() {
      mcp.core.supervisor.destroy();
      listener.destroySockets();
      await handle.close();
    },
  };
  return handle;
}
