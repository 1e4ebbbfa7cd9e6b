import type { MessageSink, Transport } from '../../core/transport.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';

/**
 * Two in-memory transports wired to each other, for tests and in-process clients. Delivery is
 * asynchronous and by copy, like a real wire: mutating a sent message never reaches the peer.
 */
export function createLinkedPair(): [Transport, Transport] {
  const left = new MemoryTransport();
  const right = new MemoryTransport();
  left.peer = right;
  right.peer = left;
  return [left, right];
}

class MemoryTransport implements Transport {
  readonly kind = 'memory';
  peer: MemoryTransport | undefined;
  #sink: MessageSink | undefined;
  #backlog: unknown[] = [];
  #closed = false;

  start(sink: MessageSink): void {
    this.#sink = sink;
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const value of backlog) sink.onMessage(value);
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed) throw new ErlmcpError('ERR_CONNECTION_CLOSED', 'memory transport is closed');
    const copy = JSON.parse(JSON.stringify(message)) as unknown;
    const peer = this.peer;
    queueMicrotask(() => peer?.receive(copy));
  }

  receive(value: unknown): void {
    if (this.#closed) return;
    if (this.#sink) this.#sink.onMessage(value);
    else this.#backlog.push(value);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink?.onClose();
    await this.peer?.close();
  }
}
