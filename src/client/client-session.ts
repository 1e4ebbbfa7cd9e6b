import type { FrameError, Transport } from '../core/transport.js';
import { ErlmcpError, McpError, toWireError } from '../jsonrpc/errors.js';
import {
  classify,
  errorResponse,
  type JsonRpcNotification,
  type JsonRpcRequest,
  resultResponse,
} from '../jsonrpc/message.js';
import { PendingRequests } from '../jsonrpc/pending-requests.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestId } from '../protocol/types.js';

export interface ProgressInfo {
  progress: number;
  total?: number;
  message?: string;
}

export interface OutgoingOptions {
  signal?: AbortSignal;
  /** Idle timeout; progress resets it. */
  timeoutMs: number;
  maxTotalTimeoutMs: number;
  onProgress?: (progress: ProgressInfo) => void;
  /** Learns the JSON-RPC id the request goes out with (subscriptions are named by it). */
  onSent?: (id: RequestId) => void;
}

export interface SessionHandlers {
  /** A server→client request (2025 era); resolve with the result or throw (McpError keeps its code). */
  onRequest(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>;
  onNotification(notification: JsonRpcNotification): void;
  onClose(error: Error | undefined): void;
  diagnostic(message: string): void;
}

/**
 * The client's end of one transport: id correlation, timeouts, progress, cancellation both ways,
 * and answering server→client requests. Knows no era: the Client adds `_meta` envelopes.
 */
export class ClientSession {
  readonly #pending = new PendingRequests();
  readonly #progress = new Map<RequestId, (progress: ProgressInfo) => void>();
  readonly #serving = new Map<RequestId, AbortController>();
  #closed = false;
  #closeError: Error | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly handlers: SessionHandlers,
  ) {
    transport.start({
      onMessage: (value) => this.#onMessage(value),
      onFrameError: (error: FrameError) =>
        handlers.diagnostic(`ignored an unreadable message from the server: ${error.message}`),
      onRequestFailed: (id, error) => {
        this.#pending.fail(id, error);
      },
      onClose: (error) => this.#onClose(error),
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  request(
    method: string,
    params: Record<string, unknown>,
    options: OutgoingOptions,
  ): Promise<Record<string, unknown>> {
    if (this.#closed) {
      return Promise.reject(
        this.#closeError ?? new ErlmcpError('ERR_CONNECTION_CLOSED', 'Connection is closed'),
      );
    }
    const id = this.#pending.nextId();
    let sent = params;
    if (options.onProgress) {
      this.#progress.set(id, options.onProgress);
      const meta = (params._meta as Record<string, unknown> | undefined) ?? {};
      sent = { ...params, _meta: { ...meta, progressToken: id } };
    }
    const answer = this.#pending.track(id, {
      timeoutMs: options.timeoutMs,
      maxTotalTimeoutMs: options.maxTotalTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onCancel: (reason) => {
        if (!this.#closed) {
          const text =
            reason instanceof Error ? reason.message : reason === undefined ? 'cancelled' : String(reason);
          this.#trySend({
            jsonrpc: '2.0',
            method: 'notifications/cancelled',
            params: { requestId: id, reason: text },
          });
        }
      },
    });
    options.onSent?.(id);
    try {
      this.transport.send({ jsonrpc: '2.0', id, method, params: sent });
    } catch (error) {
      this.#pending.resolve({ jsonrpc: '2.0', id, error: toWireError(error) });
    }
    return answer.finally(() => this.#progress.delete(id));
  }

  notify(method: string, params?: Record<string, unknown>): void {
    if (!this.#closed)
      this.#trySend(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  async close(): Promise<void> {
    await this.transport.close();
    this.#onClose(undefined);
  }

  #onMessage(value: unknown): void {
    const message = classify(value);
    switch (message.kind) {
      case 'response':
        if (!this.#pending.resolve(message.message)) {
          this.handlers.diagnostic(`ignored a response to unknown request id ${String(message.message.id)}`);
        }
        return;
      case 'notification':
        this.#onNotification(message.message);
        return;
      case 'request':
        this.#onRequest(message.message);
        return;
      case 'invalid':
        this.handlers.diagnostic(`ignored an invalid message from the server: ${message.reason}`);
    }
  }

  #onNotification(notification: JsonRpcNotification): void {
    const params = notification.params ?? {};
    if (notification.method === 'notifications/progress') {
      const token = params.progressToken as RequestId;
      const callback = this.#progress.get(token);
      if (callback && typeof params.progress === 'number') {
        this.#pending.touch(token);
        // Delivered synchronously, before any later response: a final report is never lost.
        callback({
          progress: params.progress,
          ...(typeof params.total === 'number' ? { total: params.total } : {}),
          ...(typeof params.message === 'string' ? { message: params.message } : {}),
        });
      }
      return;
    }
    if (notification.method === 'notifications/cancelled') {
      const id = params.requestId as RequestId;
      this.#serving
        .get(id)
        ?.abort(typeof params.reason === 'string' ? params.reason : 'cancelled by the server');
    }
    this.handlers.onNotification(notification);
  }

  #onRequest(request: JsonRpcRequest): void {
    const controller = new AbortController();
    this.#serving.set(request.id, controller);
    this.handlers
      .onRequest(request.method, request.params ?? {}, controller.signal)
      .then(
        (result) => {
          if (!controller.signal.aborted) this.#trySend(resultResponse(request.id, result));
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const wire =
            error instanceof McpError
              ? error.toJson()
              : { code: ErrorCode.InternalError, message: toWireError(error).message };
          this.#trySend(errorResponse(request.id, wire));
        },
      )
      .finally(() => this.#serving.delete(request.id));
  }

  #trySend(message: Parameters<Transport['send']>[0]): void {
    try {
      this.transport.send(message);
    } catch (error) {
      this.handlers.diagnostic(
        `could not send ${'method' in message ? message.method : 'a response'}: ${String(error)}`,
      );
    }
  }

  #onClose(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error ?? new ErlmcpError('ERR_CONNECTION_CLOSED', 'Connection closed');
    this.#pending.rejectAll(
      error instanceof ErlmcpError
        ? error
        : new ErlmcpError('ERR_CONNECTION_CLOSED', error ? error.message : 'Connection closed'),
    );
    for (const controller of this.#serving.values()) controller.abort('connection closed');
    this.handlers.onClose(error);
  }
}
