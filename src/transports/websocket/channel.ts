import WebSocket, { type RawData } from 'ws';
import { channels, publishBytes } from '../../core/diagnostics.js';
import type { MessageSink } from '../../core/transport.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { decodeUtf8Strict } from '../framing/utf8.js';
import { Heartbeat } from './heartbeat.js';
import { type ResolvedConnectionOptions, WebSocketCloseCode } from './options.js';
import { OutboundGuard } from './outbound-guard.js';

export interface ChannelOptions extends ResolvedConnectionOptions {
  /** Code and reason of a deliberate `close()`: 1000 from a client, 1001 from a draining server. */
  closeCode: number;
  closeReason: string;
  /** Names the connection in errors. */
  label: string;
  /** Publish byte counts on `erlmcp:transport:bytes` under this transport name (server side). */
  countBytesAs?: 'ws';
}

/**
 * One `ws` WebSocket as a stream of JSON-RPC messages, the part both sides share: one message per
 * text frame, heartbeat, outbound backpressure, and a close that always ends (a peer that does not
 * answer the close handshake is destroyed after `closeTimeoutMs`). The sink hears `onClose` once,
 * as soon as the stream is unusable, not when the TCP connection is finally gone.
 */
export class WebSocketChannel {
  #done = false;
  /** Messages sent before the handshake finished (client side); undefined once open. */
  #queue: string[] | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  readonly #heartbeat: Heartbeat;
  readonly #guard: OutboundGuard;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  #closeCode: number | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly sink: MessageSink,
    private readonly options: ChannelOptions,
  ) {
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#heartbeat = new Heartbeat(
      options.heartbeatMs,
      () => ws.ping(),
      () => this.#abort(`no pong within ${options.heartbeatMs} ms: the peer is presumed gone`),
    );
    this.#guard = new OutboundGuard(ws, {
      maxBufferedBytes: options.maxBufferedBytes,
      maxBufferedMs: options.maxBufferedMs,
      onPause: (paused) => this.#heartbeat.suspend(paused),
      onOverflow: (reason) => this.#cutOff(reason),
    });
    ws.on('message', this.#onMessage);
    ws.on('pong', this.#onPong);
    ws.on('error', this.#onError);
    ws.once('close', this.#onClose);
    if (ws.readyState === WebSocket.OPEN) this.#onOpen();
    else {
      this.#queue = [];
      ws.once('open', this.#onOpen);
    }
  }

  /** The close code received or sent, once the WebSocket is closed (1006: no close frame). */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  send(message: JsonRpcMessage): void {
    if (this.#done) throw new ErlmcpError('ERR_CONNECTION_CLOSED', `${this.options.label} is closed`);
    const text = encodeMessage(message);
    if (this.#queue) {
      this.#queue.push(text);
      return;
    }
    // CLOSING: the peer started the close handshake; the close event follows and ends the sink.
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const counted = this.options.countBytesAs;
    if (counted && channels.bytes.hasSubscribers) publishBytes(counted, 'out', Buffer.byteLength(text));
    this.ws.send(text, this.#afterWrite);
    this.#guard.check();
  }

  /** Deliberate close with the configured code; resolves once the socket is gone. Idempotent. */
  close(): Promise<void> {
    this.#shutdown(this.options.closeCode, this.options.closeReason, undefined);
    return this.#closed;
  }

  readonly #onOpen = (): void => {
    const queue = this.#queue ?? [];
    this.#queue = undefined;
    if (this.#done) return;
    const counted = this.options.countBytesAs;
    for (const text of queue) {
      if (counted && channels.bytes.hasSubscribers) publishBytes(counted, 'out', Buffer.byteLength(text));
      this.ws.send(text, this.#afterWrite);
    }
    this.#guard.check();
    this.#heartbeat.start();
  };

  readonly #afterWrite = (error?: Error): void => {
    if (!error) this.#guard.check();
  };

  readonly #onPong = (): void => this.#heartbeat.alive();

  readonly #onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.#done) return;
    this.#heartbeat.alive();
    if (isBinary) {
      // The `mcp` subprotocol is JSON text; a binary frame means a peer speaking something else.
      this.#shutdown(
        WebSocketCloseCode.unsupportedData,
        'binary frames are not supported: send JSON-RPC as text',
        this.#error('sent a binary frame (closed with 1003)'),
      );
      return;
    }
    const bytes = bytesOf(data);
    const counted = this.options.countBytesAs;
    if (counted && channels.bytes.hasSubscribers) publishBytes(counted, 'in', bytes.length);
    const text = decodeUtf8Strict(bytes);
    if (text === undefined) {
      // RFC 6455 fails the connection (1007); the peer first gets the parse error every transport gives.
      this.sink.onFrameError({ kind: 'invalid_utf8', message: 'Parse error: message is not valid UTF-8' });
      this.#shutdown(
        WebSocketCloseCode.invalidPayload,
        'text frame is not valid UTF-8',
        this.#error('sent a text frame that is not valid UTF-8 (closed with 1007)'),
      );
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.sink.onFrameError({
        kind: 'invalid_json',
        message: `Parse error: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    this.sink.onMessage(value);
  };

  /** `ws` reports protocol errors (1007 bad UTF-8, 1009 too big, bad frames) and has begun closing. */
  readonly #onError = (error: Error): void => {
    if (this.#done) return;
    this.#finish(this.#error(error.message, error));
    this.#armKill();
  };

  readonly #onClose = (code: number, reason: Buffer): void => {
    this.#closeCode = code;
    clearTimeout(this.#killTimer);
    if (!this.#done) {
      const text = reason.length > 0 ? `: ${reason.toString()}` : '';
      this.#finish(this.#error(`closed by the peer (code ${code}${text})`));
    }
    this.#resolveClosed();
  };

  #shutdown(code: number, reason: string, error: Error | undefined): void {
    if (!this.#done) this.#finish(error);
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    this.#armKill();
  }

  /** A dead peer: nothing to say goodbye to. */
  #abort(reason: string): void {
    if (!this.#done) this.#finish(this.#error(reason));
    this.ws.terminate();
  }

  /** A peer that does not read would not read a close frame either: send 1008, then destroy. */
  #cutOff(reason: string): void {
    if (!this.#done) this.#finish(this.#error(`cut off (1008): ${reason}`));
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.close(WebSocketCloseCode.policyViolation, 'outbound buffer limit');
    this.ws.terminate();
  }

  #armKill(): void {
    if (this.#killTimer || this.ws.readyState === WebSocket.CLOSED) return;
    this.#killTimer = setTimeout(() => this.ws.terminate(), this.options.closeTimeoutMs);
    this.#killTimer.unref();
  }

  #finish(error: Error | undefined): void {
    this.#done = true;
    this.#queue = undefined;
    this.#heartbeat.stop();
    this.#guard.stop();
    this.sink.onClose(error);
  }

  #error(message: string, cause?: Error): ErlmcpError {
    return new ErlmcpError(
      'ERR_CONNECTION_CLOSED',
      `${this.options.label}: ${message}`,
      cause ? { cause } : undefined,
    );
  }
}

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
