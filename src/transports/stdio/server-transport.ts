import type { Readable, Writable } from 'node:stream';
import { channels, publishBytes } from '../../core/diagnostics.js';
import { DEFAULT_MAX_MESSAGE_BYTES, type MessageSink, type Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { NdjsonDecoder } from '../framing/ndjson.js';
import { WriteCoalescer } from '../framing/write-coalescer.js';

export interface StdioServerTransportOptions {
  input?: Readable;
  output?: Writable;
  /** Largest incoming line; default `DEFAULT_MAX_MESSAGE_BYTES` (4 MiB). */
  maxMessageBytes?: number;
  /**
   * Unwritten output above which stdin is no longer read until stdout drains: a client that does not
   * read its answers cannot make the server queue unbounded work. Default 8 MiB.
   */
  maxBufferedBytes?: number;
}

/**
 * Server side of stdio: ndjson on stdin/stdout. stdout carries only MCP messages; messages sent in
 * the same tick are written with one `write` call, which is what makes pipelined traffic fast.
 */
export class StdioServerTransport implements Transport {
  readonly kind = 'stdio';
  readonly #input: Readable;
  readonly #output: Writable;
  readonly #maxMessageBytes: number;
  #sink: MessageSink | undefined;
  readonly #writer: WriteCoalescer;
  #closed = false;
  #decoder: NdjsonDecoder | undefined;
  readonly #onData = (chunk: Buffer) => {
    if (channels.bytes.hasSubscribers) publishBytes('stdio', 'in', chunk.length);
    this.#decoder?.push(chunk);
    this.#writer.flush();
  };
  readonly #onEnd = () => {
    this.#decoder?.end();
    void this.close();
  };
  readonly #onError = () => void this.close();

  constructor(options: StdioServerTransportOptions = {}) {
    this.#input = options.input ?? process.stdin;
    this.#output = options.output ?? process.stdout;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    // A false return of write() means the pipe is full; Node buffers in order, and reading pauses
    // until the buffer drains below half of `maxBufferedBytes`.
    const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.#writer = new WriteCoalescer((chunk) => {
      if (channels.bytes.hasSubscribers) publishBytes('stdio', 'out', Buffer.byteLength(chunk));
      this.#output.write(chunk);
      if (this.#output.writableLength > maxBuffered && !this.#input.isPaused()) {
        this.#input.pause();
        const resume = () => {
          if (this.#output.writableLength > maxBuffered / 2) return;
          this.#output.off('drain', resume);
          if (!this.#closed) this.#input.resume();
        };
        this.#output.on('drain', resume);
      }
    });
  }

  start(sink: MessageSink): void {
    this.#sink = sink;
    this.#decoder = new NdjsonDecoder({
      maxMessageBytes: this.#maxMessageBytes,
      onMessage: (value) => sink.onMessage(value),
      onFrameError: (error) => sink.onFrameError(error),
    });
    this.#input.on('data', this.#onData);
    this.#input.once('end', this.#onEnd);
    this.#input.once('close', this.#onEnd);
    this.#input.once('error', this.#onError);
    this.#output.once('error', this.#onError);
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed) throw new ErlmcpError('ERR_CONNECTION_CLOSED', 'stdio transport is closed');
    this.#writer.push(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#writer.flush();
    this.#closed = true;
    this.#input.off('data', this.#onData);
    this.#input.off('end', this.#onEnd);
    this.#input.off('close', this.#onEnd);
    this.#input.off('error', this.#onError);
    this.#output.off('error', this.#onError);
    if (this.#input === process.stdin) this.#input.pause();
    this.#sink?.onClose();
  }
}
