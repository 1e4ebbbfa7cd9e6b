import type { BearerAuth } from '../../auth/resource-server/bearer-auth.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../core/transport.js';
import type { HostOriginOptions } from '../host-policy.js';
import type { TlsOptions } from '../tls/tls-options.js';

/** The subprotocol erlmcp speaks: one JSON-RPC message per text frame. */
export const MCP_SUBPROTOCOL = 'mcp';

/** The close codes (RFC 6455 §7.4.1) erlmcp sends or expects, by what they mean here. */
export const WebSocketCloseCode = {
  /** A deliberate close by the client. */
  normal: 1000,
  /** The server shuts down (drain) and closes every connection. */
  goingAway: 1001,
  /** A binary frame: the `mcp` subprotocol carries JSON text only. */
  unsupportedData: 1003,
  /** Nothing was received in the close frame, or the peer vanished (local only, never sent). */
  abnormal: 1006,
  /** A text frame that is not valid UTF-8 (after a -32700 error message). */
  invalidPayload: 1007,
  /** A peer that does not read: its outbound buffer stayed over `maxBufferedBytes`. */
  policyViolation: 1008,
  /** A message over `maxMessageBytes` (sent by `ws`). */
  messageTooBig: 1009,
} as const;

/** What every WebSocket connection (either side) is bounded by. */
export interface WebSocketConnectionOptions {
  /** Largest incoming message (`ws` maxPayload); a larger one closes the connection with 1009. Default 4 MiB. */
  maxMessageBytes?: number;
  /** Ping interval; a peer that has not answered by the next ping is cut off. 0 turns it off. Default 15 s. */
  heartbeatMs?: number;
  /**
   * Bytes queued for a peer before we stop reading from it (resumed below half). Over twice this, or
   * over it for `maxBufferedMs`, the peer is cut off. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** How long the outbound buffer may stay over `maxBufferedBytes`. Default 30 s. */
  maxBufferedMs?: number;
  /** How long a close handshake may take before the socket is destroyed. Default 3 s. */
  closeTimeoutMs?: number;
}

/** Server options: where to listen and which upgrades to accept (same Host/Origin rules as HTTP). */
export interface WebSocketServerOptions extends WebSocketConnectionOptions, HostOriginOptions {
  /** Endpoint path; upgrades elsewhere are left to other listeners (standalone: 404). Default `/mcp`. */
  path?: string;
  /** Proxies (IPs or CIDR ranges) whose `X-Forwarded-For` names the client for per-IP limits. Default none. */
  trustedProxies?: string[];
  /**
   * OAuth resource server (`bearerAuth` from `erlmcp/auth`): the upgrade needs a valid bearer token
   * holding the required scopes (401/403 with a challenge otherwise); the token's principal owns the
   * connection, and each request's scopes are checked before it runs (error -32013).
   */
  auth?: BearerAuth;
}

/** `serveWebSocket`: a standalone server, https when `tls` is given. */
export interface ServeWebSocketOptions extends WebSocketServerOptions {
  /** Interface to bind. Default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Port; 0 picks a free one. Default 3000. */
  port?: number;
  /** The upgrade request's headers must arrive within this (else 408). Default 30 s. */
  receiveTimeoutMs?: number;
  /** Serve `wss://`; with `clientCa`, clients must present a certificate (its identity is the principal). */
  tls?: TlsOptions;
}

export const WEBSOCKET_DEFAULTS = {
  path: '/mcp',
  host: '127.0.0.1',
  port: 3000,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  heartbeatMs: 15_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxBufferedMs: 30_000,
  closeTimeoutMs: 3_000,
} as const;

/** Connection options with every default filled in. */
export type ResolvedConnectionOptions = Required<WebSocketConnectionOptions>;

export function resolveConnectionOptions(options: WebSocketConnectionOptions): ResolvedConnectionOptions {
  return {
    maxMessageBytes: options.maxMessageBytes ?? WEBSOCKET_DEFAULTS.maxMessageBytes,
    heartbeatMs: options.heartbeatMs ?? WEBSOCKET_DEFAULTS.heartbeatMs,
    maxBufferedBytes: options.maxBufferedBytes ?? WEBSOCKET_DEFAULTS.maxBufferedBytes,
    maxBufferedMs: options.maxBufferedMs ?? WEBSOCKET_DEFAULTS.maxBufferedMs,
    closeTimeoutMs: options.closeTimeoutMs ?? WEBSOCKET_DEFAULTS.closeTimeoutMs,
  };
}
