import type { Transport } from '../../core/transport.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { isRecord, REPLY_TIMEOUT_MS, type Reply, type Wire } from './wire.js';

/**
 * A Wire over a message-stream transport (stdio, WebSocket, TCP): raw JSON-RPC, ids matched here,
 * so the checks see exactly what the server sent. Requests the server makes are answered as a
 * client that declared no capabilities would: ping with {}, the rest with -32601.
 */
export class MessageWire implements Wire {
  readonly isHttp = false;
  readonly #pending = new Map<string | number, (reply: Reply) => void>();
  #closed = false;

  constructor(private readonly transport: Transport) {
    transport.start({
      onMessage: (value) => this.#receive(value),
      onFrameError: () => {},
      onClose: () => {
        this.#closed = true;
        for (const settle of this.#pending.values()) settle({ missing: 'closed' });
        this.#pending.clear();
      },
    });
  }

  request(message: Record<string, unknown>): Promise<Reply> {
    const id = message.id as string | number;
    if (this.#closed) return Promise.resolve({ missing: 'closed' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle({ missing: 'timeout' }), REPLY_TIMEOUT_MS);
      const settle = (reply: Reply) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(reply);
      };
      this.#pending.set(id, settle);
      this.#send(message);
    });
  }

  async notify(message: Record<string, unknown>): Promise<Reply> {
    this.#send(message);
    return {};
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  #send(message: Record<string, unknown>): void {
    try {
      this.transport.send(message as unknown as JsonRpcMessage);
    } catch {
      // closed: the pending request settles as closed
    }
  }

  #receive(value: unknown): void {
    if (!isRecord(value)) return;
    if (typeof value.method === 'string') {
      if (value.id === undefined) return; // a notification: logging, progress, list_changed
      const answer =
        value.method === 'ping'
          ? { jsonrpc: '2.0', id: value.id, result: {} }
          : { jsonrpc: '2.0', id: value.id, error: { code: -32601, message: 'Method not found' } };
      this.#send(answer);
      return;
    }
    const settle = this.#pending.get(value.id as string | number);
    settle?.({ response: value });
  }
}
