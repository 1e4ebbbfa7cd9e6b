import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { type WebSocket, WebSocketServer } from 'ws';
import { AuthRefusal, type BearerAuth } from '../../auth/resource-server/bearer-auth.js';
import type { AuthInfo } from '../../core/auth-info.js';
import type { McpServer } from '../../server/mcp-server.js';
import { clientAddressOf } from '../client-address.js';
import { hostOriginGuard } from '../host-policy.js';
import { principalOf } from '../tls/tls-options.js';
import {
  MCP_SUBPROTOCOL,
  resolveConnectionOptions,
  WEBSOCKET_DEFAULTS,
  type WebSocketServerOptions,
} from './options.js';
import { WebSocketServerTransport } from './server-transport.js';
import { checkUpgrade, pathOf, rejectUpgrade } from './upgrade-checks.js';

/** MCP over WebSocket on a server's `upgrade` event, at one path. */
export interface WebSocketAttachment {
  readonly path: string;
  /** WebSocket connections open right now. */
  readonly connectionCount: number;
  /**
   * Graceful, like `McpServer.close()` (which it calls): new upgrades get 503, running requests finish
   * (up to `limits.drainTimeoutMs`), then every connection is closed with 1001 "going away". Idempotent.
   */
  close(): Promise<void>;
  /** Ends running requests and destroys every connection at once. Idempotent. */
  destroy(): Promise<void>;
}

/**
 * Serves `mcp` to WebSocket upgrades at `options.path` of an existing node:http or node:https server;
 * upgrades for other paths are left to the server's other `upgrade` listeners. Each WebSocket is one
 * `mcp.connect()`; on https with client certificates, the certificate's identity is the principal.
 */
/** The upgrade's credentials, or undefined after refusing it (401/400, or 403 without the required scopes). */
async function upgradeAuthorized(
  auth: BearerAuth,
  req: IncomingMessage,
  socket: Duplex,
): Promise<AuthInfo | undefined> {
  const outcome = await auth.authorizeConnection(req.headers.authorization, req.url);
  if (!(outcome instanceof AuthRefusal)) return outcome;
  rejectUpgrade(socket, {
    status: outcome.status,
    message: outcome.message,
    headers: { 'www-authenticate': outcome.challenge },
  });
  return undefined;
}

export function attachWebSocket(
  mcp: McpServer,
  server: HttpServer | HttpsServer,
  options: WebSocketServerOptions = {},
): WebSocketAttachment {
  const path = options.path ?? WEBSOCKET_DEFAULTS.path;
  const connection = resolveConnectionOptions(options);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: connection.maxMessageBytes,
    perMessageDeflate: false,
    // The channel checks UTF-8 itself, to answer -32700 (as every transport does) before the 1007.
    skipUTF8Validation: true,
    // checkUpgrade already refused clients that offer only other subprotocols.
    handleProtocols: (offered) => (offered.has(MCP_SUBPROTOCOL) ? MCP_SUBPROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();
  const clientIp = clientAddressOf(options.trustedProxies);
  // Built once: malformed allowlist entries refuse to start, and each upgrade is two comparisons.
  const refusedHostOrOrigin = hostOriginGuard(options);
  let accepting = true;

  const adopt = (ws: WebSocket, req: IncomingMessage, auth: AuthInfo | undefined) => {
    if (!accepting) {
      ws.close(1001, 'server shutting down');
      return;
    }
    sockets.add(ws);
    ws.once('close', () => sockets.delete(ws));
    const principal = req.socket instanceof TLSSocket ? principalOf(req.socket) : undefined;
    const ip = clientIp(req);
    void mcp.connect(new WebSocketServerTransport(ws, connection), {
      ...(principal ? { principal } : {}),
      ...(ip === undefined ? {} : { ip }),
      ...(auth ? { auth } : {}),
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(req.url) !== path) return;
    const refusal =
      !accepting || mcp.core.supervisor.draining
        ? {
            status: 503,
            message: 'Server is shutting down',
            headers: { 'retry-after': String(Math.ceil(mcp.core.supervisor.limits.retryAfterMs / 1000)) },
          }
        : checkUpgrade(req, refusedHostOrOrigin);
    if (refusal) {
      rejectUpgrade(socket, refusal);
      return;
    }
    if (!options.auth) {
      wss.handleUpgrade(req, socket, head, (ws) => adopt(ws, req, undefined));
      return;
    }
    void upgradeAuthorized(options.auth, req, socket).then((auth) => {
      if (auth) wss.handleUpgrade(req, socket, head, (ws) => adopt(ws, req, auth));
    });
  };
  server.on('upgrade', onUpgrade);

  let closing: Promise<void> | undefined;
  const attachment: WebSocketAttachment = {
    path,
    get connectionCount() {
      return sockets.size;
    },
    close() {
      closing ??= (async () => {
        accepting = false;
        await mcp.close();
        // Every adopted socket closed with its MessageConnection; anything left did not say goodbye.
        for (const ws of sockets) ws.terminate();
        await Promise.all([...sockets].map((ws) => new Promise((resolve) => ws.once('close', resolve))));
        server.off('upgrade', onUpgrade);
        wss.close();
      })();
      return closing;
    },
    destroy() {
      accepting = false;
      mcp.core.supervisor.destroy();
      for (const ws of sockets) ws.terminate();
      return attachment.close();
    },
  };
  return attachment;
}
