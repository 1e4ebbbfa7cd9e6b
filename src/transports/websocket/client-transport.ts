import WebSocket from 'ws';
import type { HttpAuth } from '../../auth/client/http-auth.js';
import type { MessageSink, Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { WebSocketChannel } from './channel.js';
import {
  MCP_SUBPROTOCOL,
  resolveConnectionOptions,
  WebSocketCloseCode,
  type WebSocketConnectionOptions,
} from './options.js';

type Pem = string | Buffer;

export interface WebSocketClientTransportOptions extends WebSocketConnectionOptions {
  /** Subprotocols offered. Default `['mcp']`; `[]` for servers that take none. */
  protocols?: string[];
  /** Extra headers of the upgrade request (e.g. `Authorization`, `Origin`). */
  headers?: Record<string, string>;
  /** wss://: the CA to trust (default: Node's roots) and a client certificate for mutual TLS. */
  tls?: { ca?: Pem | Pem[]; cert?: Pem; key?: Pem };
  /** The opening handshake (TCP, TLS, HTTP upgrade) must finish in this time. Default 30 s. */
  handshakeTimeoutMs?: number;
  /**
   * Authenticates the upgrade request (an `OAuthClient` from `erlmcp/auth`, or any `HttpAuth`): its
   * headers are taken once, at connect; with none yet, it is asked to authorize first (as after a
   * 401 without a challenge: discovery from the well-known metadata of the http(s) URL).
   */
  auth?: HttpAuth;
}

/**
 * Client side of MCP over WebSocket (`ws://` or `wss://`): `await client.connect(new
 * WebSocketClientTransport('wss://host/mcp'))`. Messages sent while the handshake runs are queued;
 * a refused handshake (403, TLS) closes the transport with the reason.
 */
export class WebSocketClientTransport implements Transport {
  readonly url: URL;
  #channel: WebSocketChannel | undefined;
  /** Messages sent while `auth` is still getting the upgrade's headers. */
  #waiting: JsonRpcMessage[] | undefined;
  #closed = false;
  #sink: MessageSink | undefined;

  constructor(
    url: string | URL,
    private readonly options: WebSocketClientTransportOptions = {},
  ) {
    this.url = new URL(url);
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(this.url.protocol)) {
      throw new TypeError(`WebSocketClientTransport needs a ws:// or wss:// URL, got ${this.url.protocol}`);
    }
  }

  /** The URL: the client remembers each server's protocol era under it. */
  get serverKey(): string {
    return this.url.href;
  }

  /** The WebSocket close code, once closed. */
  get closeCode(): number | undefined {
    return this.#channel?.closeCode;
  }

  start(sink: MessageSink): void {
    const { auth } = this.options;
    if (!auth) {
      this.#open(sink, this.options.headers);
      return;
    }
    const waiting: JsonRpcMessage[] = [];
    this.#waiting = waiting;
    this.#sink = sink;
    this.#authorizedHeaders(auth).then(
      (headers) => {
        this.#waiting = undefined;
        if (this.#closed) return;
        this.#open(sink, { ...this.options.headers, ...headers });
        for (const message of waiting) this.#channel!.send(message);
      },
      (error: unknown) => {
        this.#waiting = undefined;
        if (!this.#closed) sink.onClose(error instanceof Error ? error : new Error(String(error)));
        this.#closed = true;
      },
    );
  }

  /** The upgrade's auth headers; with none yet, the auth is asked to authorize first. */
  async #authorizedHeaders(auth: HttpAuth): Promise<Record<string, string>> {
    const endpoint = new URL(this.url);
    if (endpoint.protocol === 'ws:') endpoint.protocol = 'http:';
    if (endpoint.protocol === 'wss:') endpoint.protocol = 'https:';
    const request = { method: 'GET', url: endpoint, endpoint };
    const headers = await auth.headers(request);
    if (Object.keys(headers).length > 0) return headers;
    await auth.refused(request, new Response(null, { status: 401 }), 0);
    return auth.headers(request);
  }

  #open(sink: MessageSink, headers: Record<string, string> | undefined): void {
    const connection = resolveConnectionOptions(this.options);
    const { tls } = this.options;
    const ws = new WebSocket(this.url, this.options.protocols ?? [MCP_SUBPROTOCOL], {
      maxPayload: connection.maxMessageBytes,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 30_000,
      // Compression would let a small frame inflate past what we budget for; MCP messages are small.
      perMessageDeflate: false,
      ...(headers ? { headers } : {}),
      ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls?.key === undefined ? {} : { key: tls.key }),
    });
    this.#channel = new WebSocketChannel(ws, sink, {
      ...connection,
      closeCode: WebSocketCloseCode.normal,
      closeReason: '',
      label: `WebSocket ${this.url.href}`,
    });
  }

  send(message: JsonRpcMessage): void {
    if (this.#waiting) {
      this.#waiting.push(message);
      return;
    }
    if (!this.#channel) throw new ErlmcpError('ERR_NOT_CONNECTED', 'WebSocket transport is not started');
    this.#channel.send(message);
  }

  async close(): Promise<void> {
    if (this.#channel) {
      await this.#channel.close();
      return;
    }
    if (this.#closed) return;
    this.#closed = true;
    this.#sink?.onClose();
  }
}
