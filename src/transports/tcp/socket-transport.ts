import type { Socket } from 'node:net';
import { channels, publishBytes } from '../../core/diagnostics.js';
import { DEFAULT_MAX_MESSAGE_BYTES, type MessageSink, type Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { NdjsonDecoder } from '../framing/ndjson.js';
import { WriteCoalescer } from '../framing/write-coalescer.js';

export interface SocketTransportOptions {
  /** Largest incoming line (named limit `maxMessageBytes`). Default 4 MiB. */
  maxMessageBytes?: number;
  /**
   * Outbound bytes buffered for a peer before erlmcp stops reading from it (it must read before it
   * may send more); at twice this the peer is cut off. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** TCP keep-alive probe delay (dead peers on idle connections). Default 30 s; 0 turns it off. */
  keepAliveMs?: number;
  serverKey?: string;
  /** Publish byte counts on `erlmcp:transport:bytes` under this transport name (server side). */
  countBytesAs?: 'tcp';
}

export const SOCKET_DEFAULTS = { maxBufferedBytes: 8 * 1024 * 1024, keepAliveMs: 30_000 } as const;

/**
 * ndjson over a connected socket (TCP or TLS), either side. Backpressure both ways: a peer that does
 * not read its answers is not read from (so it cannot queue unbounded work), and one that stays too
 * far behind is disconnected, so memory per connection is bounded.
 */
export class SocketTransport implements Transport {
  readonly kind = 'tcp';
  readonly #writer: WriteCoalescer;
  readonly #maxBuffered: number;
  #sink: MessageSink | undefined;
  #closed = false;
  #paused = false;

  constructor(
    readonly socket: Socket,
    private readonly options: SocketTransportOptions = {},
  ) {
    this.#maxBuffered = options.maxBufferedBytes ?? SOCKET_DEFAULTS.maxBufferedBytes;
    this.#writer = new WriteCoalescer((chunk) => this.#write(chunk));
    socket.setNoDelay(true);
    const keepAliveMs = options.keepAliveMs ?? SOCKET_DEFAULTS.keepAliveMs;
    if (keepAliveMs > 0) socket.setKeepAlive(true, keepAliveMs);
  }

  /** The peer, for `auto` negotiation to remember its era. */
  get serverKey(): string {
    return this.options.serverKey ?? `tcp://${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  start(sink: MessageSink): void {
    this.#sink = sink;
    const decoder = new NdjsonDecoder({
      maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      onMessage: (value) => sink.onMessage(value),
      onFrameError: (error) => sink.onFrameError(error),
    });
    const counted = this.options.countBytesAs;
    this.socket.on('data', (chunk: Buffer) => {
      if (counted && channels.bytes.hasSubscribers) publishBytes(counted, 'in', chunk.length);
      decoder.push(chunk);
      this.#writer.flush();
    });
    this.socket.on('drain', () => this.#resumeIfDrained());
    this.socket.once('end', () => decoder.end());
    this.socket.once('close', () => this.#onClosed());
    // 'close' follows every 'error'; the error itself needs no handling beyond that.
    this.socket.on('error', () => {});
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed) throw new ErlmcpError('ERR_CONNECTION_CLOSED', 'Socket is closed');
    this.#writer.push(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#writer.flush();
    this.#closed = true;
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once('close', () => resolve());
      this.socket.end();
      // A peer that never reads would keep `end()` waiting for its buffer to drain.
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    });
    this.#onClosed();
  }

  #write(chunk: string): void {
    if (this.socket.destroyed) return;
    // Judged on what is still unsent from earlier ticks: a reader that keeps up drains between ticks
    // however large one tick's batch is; one that does not is cut off before more piles up.
    if (this.socket.writableLength > 2 * this.#maxBuffered) {
      this.socket.destroy(new ErlmcpError('ERR_CONNECTION_CLOSED', 'Peer is not reading: cut off'));
      return;
    }
    const counted = this.options.countBytesAs;
    if (counted && channels.bytes.hasSubscribers) publishBytes(counted, 'out', Buffer.byteLength(chunk));
    this.socket.write(chunk);
    if (this.socket.writableLength > this.#maxBuffered && !this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  #resumeIfDrained(): void {
    if (this.#paused && this.socket.writableLength <= this.#maxBuffered / 2) {
      this.#paused = false;
      this.socket.resume();
    }
  }

  #onClosed(): void {
    const sink = this.#sink;
    this.#closed = true;
    this.#sink = undefined;
    sink?.onClose();
  }
}
