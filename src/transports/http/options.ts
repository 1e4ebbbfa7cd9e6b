import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerAuth } from '../../auth/resource-server/bearer-auth.js';
import type { HostOriginOptions } from '../host-policy.js';
import { DEFAULT_RECEIVE_TIMEOUT_MS } from '../receive-timeouts.js';
import type { EventStore } from './event-store.js';

/** Every limit of the HTTP transport, named, with its default (see `HTTP_DEFAULTS`). */
export interface HttpTransportOptions extends HostOriginOptions {
  /**
   * OAuth 2.1 resource server (`bearerAuth` from `erlmcp/auth`): every request needs a valid bearer
   * token (401 with a challenge otherwise), scopes are checked before handlers run (403), and the
   * token's principal owns the sessions, tasks and `requestState` it creates.
   */
  auth?: BearerAuth;
  /** Endpoint path. Default `/mcp`. */
  path?: string;
  /** Largest request body accepted (413 above). Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * The whole request (headers and body) must arrive within this, or it is answered with 408 and its
   * connection closed (a client trickling a body cannot hold a socket). Applied by the servers erlmcp
   * listens with (`serveHttp`); behind a framework, set the framework's own. Default 30 s.
   */
  receiveTimeoutMs?: number;
  /**
   * Proxies (IP addresses or CIDR ranges) whose `X-Forwarded-For` is believed, so per-IP limits and
   * logs see the client rather than the proxy. Default none: the header is ignored.
   */
  trustedProxies?: string[];
  /** 2025 responses: JSON, SSE, or SSE only when the request emits messages (`auto`, default). */
  responseMode?: 'auto' | 'json' | 'sse';
  /** SSE keep-alive comment interval. Default 15 s. */
  keepAliveMs?: number;
  /** Bytes an SSE response may hold unsent before a slow reader is cut off. Default 8 MiB. */
  maxSseBufferBytes?: number;
  /** Reconnection delay advertised in the SSE `retry` field. Default 1000 ms. */
  retryMs?: number;
  /**
   * Serialised bytes of SSE events the default in-memory event store keeps per 2025 session for
   * `Last-Event-ID` resumption; the oldest go first (the newest event always stays). Default 1 MiB.
   */
  maxResumableBytesPerSession?: number;
  /** How long after its last event an SSE stream can still be resumed (default store). Default 5 min. */
  resumeWindowMs?: number;
  /** Where 2025 SSE events are kept for `Last-Event-ID` resumption. Default in-memory. */
  eventStore?: EventStore;
  /** Prefix of new 2025 session ids (a cluster worker's tag, so any worker can tell the owner). */
  sessionIdPrefix?: string;
  /**
   * Called first for every request naming a session (`Mcp-Session-Id`, or `?sessionId=` on the
   * 2024-11-05 endpoint); returns true when it took over the response, e.g. proxied it to the worker
   * that owns the session. `parsedBody` is set when a framework already consumed the body.
   */
  routeSession?: (
    sessionId: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody?: unknown,
  ) => boolean;
  /** Idle 2025 sessions are ended after this long without a request or open stream. Default 30 min. */
  sessionIdleMs?: number;
}

export const HTTP_DEFAULTS = {
  path: '/mcp',
  maxBodyBytes: 4 * 1024 * 1024,
  receiveTimeoutMs: DEFAULT_RECEIVE_TIMEOUT_MS,
  keepAliveMs: 15_000,
  retryMs: 1_000,
  sessionIdleMs: 30 * 60_000,
} as const;
