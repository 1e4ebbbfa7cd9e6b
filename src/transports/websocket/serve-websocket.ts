import type { Server as HttpServer, RequestListener } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { serveResourceMetadata } from '../../auth/resource-server/metadata-route.js';
import type { McpServer } from '../../server/mcp-server.js';
import { listen } from '../listener.js';
import { createHttpServer } from '../receive-timeouts.js';
import type { TlsOptions } from '../tls/tls-options.js';
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
  const auth = options.auth;
  const requestListener: RequestListener = (req, res) => {
    const pathname = pathOf(req.url);
    // With auth, the RFC 9728 metadata the 401 challenges point to is served here too.
    if (auth && serveResourceMetadata(auth, req, res, pathname)) return;
    if (pathname === path) {
      res.writeHead(426, { upgrade: 'websocket', connection: 'Upgrade', 'content-type': 'text/plain' });
      res.end('Upgrade Required: this endpoint speaks MCP over WebSocket\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
    }
  };
  const tls = options.tls;
  const server = createHttpServer(requestListener, options);
  const attachment = attachWebSocket(mcp, server, options);
  // The attachment leaves other paths to other listeners; here there are none.
  server.on('upgrade', (req, socket) => {
    if (pathOf(req.url) !== path) rejectUpgrade(socket, { status: 404, message: 'Not Found' });
  });
  const listener = await listen(server, {
    host: options.host ?? WEBSOCKET_DEFAULTS.host,
    port: options.port ?? WEBSOCKET_DEFAULTS.port,
    tls,
  });
  // A resource left out is this server's own URL (known only now, with port 0), as http(s): the
  // scheme its metadata is fetched with.
  if (auth && !auth.hasResource) auth.bindResource(`${listener.origin(tls ? 'https' : 'http')}${path}`);
  const handle: WebSocketServerHandle = {
    url: `${listener.origin(tls ? 'wss' : 'ws')}${path}`,
    server,
    path,
    get connectionCount() {
      return attachment.connectionCount;
    },
    reloadTls(next) {
      listener.reloadTls(next);
    },
    close() {
      return listener.close(() => attachment.close());
    },
    async destroy() {
      const destroyed = attachment.destroy();
      listener.destroySockets();
      await destroyed;
      return handle.close();
    },
  };
  return handle;
}
