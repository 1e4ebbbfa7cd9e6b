import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventStore } from './event-store.js';

/** Every limit of the HTTP transport, named, with its default (see `HTTP_DEFAULTS`). */
export interface HttpTransportOptions {
  /** Endpoint path. Default `/mcp`. */
  path?: string;
  /** Largest request body accepted (413 above). Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Hosts accepted in the `Host` header (DNS-rebinding protection). Default: localhost names only
   * (`localhost`, `127.0.0.1`, `[::1]`) with any port; `'*'` disables the check.
   */
  allowedHosts?: string[] | '*';
  /** Origins accepted when a request carries `Origin`. Default: http(s)://localhost-like origins. */
  allowedOrigins?: string[] | '*';
  /** 2025 responses: JSON, SSE, or SSE only when the request emits messages (`auto`, default). */
  responseMode?: 'auto' | 'json' | 'sse';
  /** SSE keep-alive comment interval. Default 15 s. */
  keepAliveMs?: number;
  /** Bytes an SSE response may hold unsent before a slow reader is cut off. Default 8 MiB. */
  maxSseBufferBytes?: number;
  /** Reconnection delay advertised in the SSE `retry` field. Default 1000 ms. */
  retryMs?: number;
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
  keepAliveMs: 15_000,
  retryMs: 1_000,
  sessionIdleMs: 30 * 60_000,
} as const;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Host header without its port; IPv6 literals keep their brackets. */
export function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export function isAllowedHost(host: string | undefined, allowed: string[] | '*' | undefined): boolean {
  if (allowed === '*') return true;
  if (!host) return false;
  const name = hostName(host.toLowerCase());
  return allowed
    ? allowed.some((entry) => entry.toLowerCase() === host.toLowerCase() || entry.toLowerCase() === name)
    : LOCAL_HOSTS.has(name);
}

export function isAllowedOrigin(origin: string | undefined, allowed: string[] | '*' | undefined): boolean {
  if (origin === undefined || allowed === '*') return true;
  if (allowed) return allowed.includes(origin);
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      LOCAL_HOSTS.has(url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname)
    );
  } catch {
    return false;
  }
}
