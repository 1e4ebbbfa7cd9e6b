import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { MessageSink, Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { SocketTransport, type SocketTransportOptions } from './socket-transport.js';

export interface TcpClientOptions extends Omit<SocketTransportOptions, 'serverKey'> {
  /** For `tls://`: the CA to trust, and a client certificate for mutual TLS. */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; servername?: string };
  /** How long to wait for the connection (and handshake). Default 10 s. */
  connectTimeoutMs?: number;
}

/**
 * Client side of `tcp://host:port` and `tls://host:port`. Connects on `start`; messages sent before
 * the socket is up are queued. For long-lived use, wrap the client in `keepConnected` (reconnects
 * with backoff and negotiates again).
 */
export class TcpClientTransport implements Transport {
  readonly url: URL;
  #inner: SocketTransport | undefined;
  #queued: JsonRpcMessage[] = [];
  #closed = false;
  #sink: MessageSink | undefined;

  constructor(
    url: string | URL,
    private readonly options: TcpClientOptions = {},
  ) {
    this.url = new URL(url);
    if (this.url.protocol !== 'tcp:' && this.url.protocol !== 'tls:') {
      throw new ErlmcpError(
        'ERR_NOT_CONNECTED',
        `TcpClientTransport needs a tcp:// or tls:// URL, got ${this.url.href}`,
      );
    }
    if (!this.url.port) throw new ErlmcpError('ERR_NOT_CONNECTED', `${this.url.href} has no port`);
  }

  get serverKey(): string {
    return this.url.href;
  }

  start(sink: MessageSink): void {
    this.#sink = sink;
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(this.url.port);
    const tls = this.options.tls;
    const tlsOptions: ConnectionOptions = { host, port, ...tls };
    if (!tls?.servername && !isIp(host)) tlsOptions.servername = host;
    const socket: Socket = this.url.protocol === 'tls:' ? tlsConnect(tlsOptions) : netConnect({ host, port });
    const timer = setTimeout(
      () =>
        socket.destroy(new ErlmcpError('ERR_NOT_CONNECTED', `Could not connect to ${this.url.href} in time`)),
      this.options.connectTimeoutMs ?? 10_000,
    );
    const ready = this.url.protocol === 'tls:' ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      clearTimeout(timer);
      const inner = new SocketTransport(socket, { ...this.options, serverKey: this.url.href });
      this.#inner = inner;
      inner.start(sink);
      for (const message of this.#queued) inner.send(message);
      this.#queued = [];
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      if (this.#inner) return; // the inner transport reports its close
      this.#closed = true;
      sink.onClose(error);
    });
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed) throw new ErlmcpError('ERR_CONNECTION_CLOSED', `${this.url.href} is closed`);
    if (this.#inner) this.#inner.send(message);
    else this.#queued.push(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inner) await this.#inner.close();
    else this.#sink?.onClose();
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
