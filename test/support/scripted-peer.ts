import type { FrameError, MessageSink, Transport } from '../../src/core/transport.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/message.js';

/** A transport whose far side is the test: it delivers raw values and inspects what the server sent. */
export class ScriptedPeer implements Transport {
  sink: MessageSink | undefined;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;
  readonly #waiters = new Set<() => void>();

  start(sink: MessageSink): void {
    this.sink = sink;
  }

  send(message: JsonRpcMessage): void {
    if (this.closed) throw new Error('closed');
    this.sent.push(JSON.parse(JSON.stringify(message)) as Record<string, unknown>);
    for (const waiter of this.#waiters) waiter();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sink?.onClose();
  }

  deliver(value: unknown): void {
    this.sink?.onMessage(value);
  }

  frameError(error: FrameError): void {
    this.sink?.onFrameError(error);
  }

  /** Waits (bounded) for a message the server sent that matches. */
  waitFor(
    match: (message: Record<string, unknown>) => boolean,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const found = this.sent.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `No matching message within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent).slice(0, 2000)}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        const hit = this.sent.find(match);
        if (hit) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(hit);
        }
      };
      this.#waiters.add(check);
    });
  }

  response(id: string | number, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.waitFor(
      (message) => message.id === id && ('result' in message || 'error' in message),
      timeoutMs,
    );
  }
}
