import type WebSocket from 'ws';
import type { MessageSink, Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { WebSocketChannel } from './channel.js';
import { resolveConnectionOptions, WebSocketCloseCode, type WebSocketConnectionOptions } from './options.js';

/**
 * Server side of one accepted WebSocket: `mcp.connect(new WebSocketServerTransport(ws), { principal })`.
 * `close()` (the server draining) says 1001 "going away" so clients know to reconnect elsewhere.
 */
export class WebSocketServerTransport implements Transport {
  readonly kind = 'ws';
  #channel: WebSocketChannel | undefined;
  readonly #options: WebSocketConnectionOptions;

  constructor(
    private readonly ws: WebSocket,
    options: WebSocketConnectionOptions = {},
  ) {
    this.#options = options;
    // Nothing may arrive before start() gives it somewhere to go: hold the socket until then.
    ws.pause();
  }

  /** The WebSocket close code, once closed. */
  get closeCode(): number | undefined {
    return this.#channel?.closeCode;
  }

  start(sink: MessageSink): void {
    this.#channel = new WebSocketChannel(this.ws, sink, {
      ...resolveConnectionOptions(this.#options),
      closeCode: WebSocketCloseCode.goingAway,
      closeReason: 'server shutting down',
      label: 'WebSocket connection',
      countBytesAs: 'ws',
    });
    this.ws.resume();
  }

  send(message: JsonRpcMessage): void {
    if (!this.#channel) throw new ErlmcpError('ERR_NOT_CONNECTED', 'WebSocket transport is not started');
    this.#channel.send(message);
  }

  async close(): Promise<void> {
    if (this.#channel) return this.#channel.close();
    this.ws.close(WebSocketCloseCode.goingAway, 'server shutting down');
  }
}
