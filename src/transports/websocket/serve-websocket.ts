import { createServer as createHttpServer, type Server as HttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { McpServer } from '../../server/mcp-server.js';
import { receiveTimeouts } from '../receive-timeouts.js';
import { reloadTls, serverTlsOptions, type TlsOptions } from '../tls/tls-options.js';
import { attachWebSocket, type WebSocketAttachment } from './attach.js';
import { type ServeWebSocketOptions, WEBSOCKET_DEFAULTS } from './options.js';
import { pathOf, rejectUpgrade } from './upgrade-checks.js';

export interface WebSocketServerHandle extends WebSocketAttachment {
  /** `ws://host:port/path`, or `wss://` with TLS. */
  readonly url: string;
  /** The node:http (or node:https, with `tls`) server created for it. */
  readonly server: HttpServer | HttpsServer;
  /**
   * Re-reads the certificate files (or installs `tls`): new handshakes use them, open connections keep
   * theirs. Throws on a server started without TLS.
   */
  reloadTls(tls?: TlsOptions): void;
}

/**
 * Serves an McpServer over WebSocket on a server of its own: `ws://127.0.0.1:3000/mcp` by default,
 * `wss://` (node:https) when `tls` is given. Plain HTTP requests get 426 at the path, 404 elsewhere.
 */
export async function serveWebSocket(
  mcp: McpServer,
  options: ServeWebSocketOptions = {},
): Promise<WebSocketServerHandle> {
  const path = options.path ?? WEBSOCKET_DEFAULTS.path;
  const requestListener: RequestListener = (req, res) => {
    if (pathOf(req.url) === path) {
      res.writeHead(426, { upgrade: 'websocket', connection: 'Upgrade', 'content-type': 'text/plain' });
      res.end('Upgrade Required: this endpoint speaks MCP over WebSocket\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
    }
  };
  let tls = options.tls;
  const server = tls
    ? createHttpsServer({ ...serverTlsOptions(tls), ...receiveTimeouts(options) }, requestListener)
    : createHttpServer(receiveTimeouts(options), requestListener);
  const attachment = attachWebSocket(mcp, server, options);
  // The attachment leaves other paths to other listeners; here there are none.
  server.on('upgrade', (req, socket) => {
    if (pathOf(req.url) !== path) rejectUpgrade(socket, { status: 404, message: 'Not Found' });
  });
  // Raw TCP sockets, so close() can end what a TLS handshake or an HTTP request still holds.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const host = options.host ?? WEBSOCKET_DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? WEBSOCKET_DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const handle: WebSocketServerHandle = {
    url: `${tls ? 'wss' : 'ws'}://${shownHost}:${port}${path}`,
    server,
    path,
    get connectionCount() {
      return attachment.connectionCount;
    },
    reloadTls(next) {
      if (!tls) throw new TypeError('reloadTls: this WebSocket server was started without TLS');
      tls = next ?? tls;
      reloadTls(server as HttpsServer, tls);
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await attachment.close();
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
    async destroy() {
      const destroyed = attachment.destroy();
      for (const socket of sockets) socket.destroy();
      await destroyed;
      return handle.close();
    },
  };
  return handle;
}
