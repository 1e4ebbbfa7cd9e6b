import type { Transport } from '../core/transport.js';
import { type StreamableHttpClientOptions, StreamableHttpClientTransport } from './http/client-transport.js';
import { type TcpClientOptions, TcpClientTransport } from './tcp/client-transport.js';
import {
  WebSocketClientTransport,
  type WebSocketClientTransportOptions,
} from './websocket/client-transport.js';

export interface TransportForUrlOptions {
  http?: StreamableHttpClientOptions;
  websocket?: WebSocketClientTransportOptions;
  tcp?: TcpClientOptions;
}

/** URL schemes a client can connect to, and the transport each one gets. */
export const CLIENT_URL_SCHEMES = ['http:', 'https:', 'ws:', 'wss:', 'tcp:', 'tls:'] as const;

/**
 * The client transport for a server URL: `http(s)://` Streamable HTTP (falling back to the 2024-11-05 HTTP+SSE transport),
 * `ws(s)://` WebSocket, `tcp://` and `tls://` ndjson over a socket.
 * `await client.connect(transportForUrl('wss://mcp.example.com/mcp'))`.
 */
export function transportForUrl(url: string | URL, options: TransportForUrlOptions = {}): Transport {
  const parsed = new URL(url);
  switch (parsed.protocol) {
    case 'http:':
    case 'https:':
      return new StreamableHttpClientTransport(parsed, options.http);
    case 'ws:':
    case 'wss:':
      return new WebSocketClientTransport(parsed, options.websocket);
    case 'tcp:':
    case 'tls:':
      return new TcpClientTransport(parsed, options.tcp);
    default:
      throw new TypeError(
        `Unsupported server URL scheme ${parsed.protocol} (supported: ${CLIENT_URL_SCHEMES.join(' ')})`,
      );
  }
}
