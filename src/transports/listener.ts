import type { Server, Socket } from 'node:net';
import { reloadTls, type SecureContextHolder, type TlsOptions } from './tls/tls-options.js';

/**
 * The listening side every network server shares (HTTP, WebSocket, TCP): listen, the address it
 * got, the sockets it holds, a close that drains first, and certificate reload. One copy, so the
 * three behave the same (same errors, same TLS reload, every socket ended on close).
 */
export interface Listener {
  readonly server: Server;
  /** `scheme://host:port` (IPv6 hosts bracketed), for building the server's URL. */
  origin(scheme: string): string;
  /**
   * Graceful: stops accepting, runs `drain` (running work finishes, streams end), then destroys every
   * socket still open and resolves once the server is closed. Idempotent: later calls get the first
   * call's promise.
   */
  close(drain: () => Promise<void>): Promise<void>;
  /** Destroys every open socket now (the abort half of `destroy()`). */
  destroySockets(): void;
  /**
   * Re-reads the certificate files, or installs `next`: new handshakes use them, open connections
   * keep theirs. Throws a TypeError on a server started without TLS.
   */
  reloadTls(next?: TlsOptions): void;
}

/** Listens on `host:port` (0: a free port) and tracks the server's raw sockets. */
export async function listen(
  server: Server,
  options: { host: string; port: number; tls: TlsOptions | undefined },
): Promise<Listener> {
  const sockets = new Set<Socket>();
  // Raw TCP sockets, so close() can also end what a TLS handshake or a request still holds.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A failed handshake (no or foreign client certificate, plaintext on a TLS port) ends that socket only.
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let tls = options.tls;
  let closing: Promise<void> | undefined;
  const destroySockets = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    server,
    origin: (scheme) => `${scheme}://${host}:${port}`,
    close(drain) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await drain();
        destroySockets();
        await closed;
      })();
      return closing;
    },
    destroySockets,
    reloadTls(next) {
      if (!tls) throw new TypeError('reloadTls: this server was started without TLS');
      tls = next ?? tls;
      reloadTls(server as unknown as SecureContextHolder, tls);
    },
  };
}
