import { channels, sessionEvent } from '../core/diagnostics.js';
import type { FrameError, Transport } from '../core/transport.js';
import { ErlmcpError, invalidRequest } from '../jsonrpc/errors.js';
import { LazyAbort } from '../jsonrpc/lazy-abort.js';
import {
  classify,
  errorResponse,
  isPlainRecord,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  resultResponse,
} from '../jsonrpc/message.js';
import { PendingRequests } from '../jsonrpc/pending-requests.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MetaKey } from '../protocol/meta-keys.js';
import type { RequestId } from '../protocol/types.js';
import type { ServerCore, SessionHandle } from './core.js';
import type { LegacySession, PeerLink } from './exchange.js';
import { openLegacySession } from './open-session.js';
import { RequestCancelled, serveRequest } from './request-runner.js';

/**
 * Serves MCP over one message-stream transport (stdio, in-memory, WebSocket, TCP): both eras on the
 * same stream. A 2025 `initialize` makes this connection a session; 2026 requests stay stateless.
 */
export class MessageConnection {
  readonly #inFlight = new Map<RequestId, LazyAbort>();
  /** Requests that sent progress or log notifications; their response waits for the next write. */
  readonly #notified = new Set<RequestId>();
  readonly #outbound = new PendingRequests();
  readonly #link: PeerLink;
  #session: LegacySession | undefined;
  #handle: SessionHandle | undefined;
  #closed = false;
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(
    private readonly core: ServerCore,
    private readonly transport: Transport,
    private readonly principal: string | undefined = undefined,
    /** The peer's network address, for per-IP limits (undefined for stdio and in-memory pairs). */
    private readonly ip: string | undefined = undefined,
  ) {
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#link = {
      notify: (message, relatedTo) => {
        if (relatedTo !== undefined) this.#notified.add(relatedTo);
        this.#send(message);
      },
      request: (method, params, options) => this.#request(method, params, options),
    };
    core.supervisor.start();
    transport.start({
      onMessage: (value) => this.#onMessage(value),
      onFrameError: (error) => this.#onFrameError(error),
      onClose: () => this.#onClose(),
    });
  }

  get session(): LegacySession | undefined {
    return this.#session;
  }

  /** Stops serving: aborts in-flight work and closes the transport. Idempotent. */
  async close(): Promise<void> {
    await this.transport.close();
    this.#onClose();
  }

  #onMessage(value: unknown): void {
    const message = classify(value);
    switch (message.kind) {
      case 'request':
        this.#onRequest(message.message);
        return;
      case 'notification':
        this.#onNotification(message.message);
        return;
      case 'response':
        if (!this.#outbound.resolve(message.message)) {
          this.core.diagnostic(`ignored a response to unknown request id ${String(message.message.id)}`);
        }
        return;
      case 'invalid':
        this.#send(
          errorResponse(message.id, {
            code: ErrorCode.InvalidRequest,
            message: `Invalid request: ${message.reason}`,
          }),
        );
    }
  }

  #onFrameError(error: FrameError): void {
    const code = error.kind === 'message_too_large' ? ErrorCode.InvalidRequest : ErrorCode.ParseError;
    this.#send(errorResponse(null, { code, message: error.message }));
  }

  #onRequest(request: JsonRpcRequest): void {
    if (this.#inFlight.has(request.id)) {
      this.#send(
        errorResponse(
          request.id,
          invalidRequest(`Request id ${String(request.id)} is already in flight`).toJson(),
        ),
      );
      return;
    }
    const refusal = this.core.supervisor.admitRequest(request.method, {
      sessionId: this.#session?.id,
      principal: this.principal,
      ip: this.ip,
      sessionInFlight: this.#inFlight.size,
      transport: this.transport.kind,
    });
    if (refusal) {
      this.#send(errorResponse(request.id, refusal.toJson()));
      return;
    }
    if (request.method === 'initialize' && !hasModernMeta(request)) {
      this.#initialize(request);
      return;
    }
    const abort = new LazyAbort();
    this.#inFlight.set(request.id, abort);
    serveRequest(
      this.core,
      request,
      { link: this.#link, session: this.#session, principal: this.principal, transport: this.transport.kind },
      abort,
      (response) => {
        this.#inFlight.delete(request.id);
        const notified = this.#notified.delete(request.id);
        if (!response) return;
        // SDK clients dispatch notifications a microtask after responses and drop progress for a
        // finished request: when both arrive in one read the last progress is lost. A separate write
        // for the response keeps them apart.
        if (notified) setImmediate(() => this.#respond(request.id, response));
        else this.#respond(request.id, response);
      },
    );
  }

  /**
   * Sends a response the transport may fail to serialise (a result too deep for JSON.stringify, or
   * holding a BigInt, e.g. a tool mirroring a hostile client's arguments): the client then gets
   * -32603 for that id instead of waiting forever, and no throw escapes (inside setImmediate it
   * would crash the process).
   */
  #respond(id: RequestId, response: JsonRpcMessage): void {
    try {
      this.#send(response);
      return;
    } catch (error) {
      // A transport that closed meanwhile: nobody is left to answer.
      if (this.#closed || (error instanceof ErlmcpError && error.code === 'ERR_CONNECTION_CLOSED')) return;
      this.core.diagnostic(`the response to request ${String(id)} could not be sent`, error);
    }
    try {
      this.#send(
        errorResponse(id, {
          code: ErrorCode.InternalError,
          message: 'Internal error: the result could not be serialized',
        }),
      );
    } catch (error) {
      this.core.diagnostic(`the error response to request ${String(id)} could not be sent`, error);
    }
  }

  #initialize(request: JsonRpcRequest): void {
    if (this.#session) {
      this.#send(errorResponse(request.id, invalidRequest('Session is already initialized').toJson()));
      return;
    }
    const refusal = this.core.supervisor.admitSession({
      principal: this.principal,
      ip: this.ip,
      transport: this.transport.kind,
    });
    if (refusal) {
      this.#send(errorResponse(request.id, refusal.toJson()));
      return;
    }
    const opened = openLegacySession(this.core, request.params ?? {});
    if ('error' in opened) {
      this.#send(errorResponse(request.id, opened.error.toJson()));
      return;
    }
    this.core.supervisor.sessionOpened(this.principal);
    this.#session = opened.session;
    if (channels.sessionOpen.hasSubscribers)
      channels.sessionOpen.publish(sessionEvent(opened.session, this.transport.kind, this.principal));
    this.#handle = { session: this.#session, link: this.#link };
    this.core.sessions.add(this.#handle);
    this.#send(resultResponse(request.id, opened.result));
  }

  #onNotification(message: JsonRpcNotification): void {
    const params = message.params ?? {};
    switch (message.method) {
      case 'notifications/initialized':
        if (this.#session) this.#session.initialized = true;
        return;
      case 'notifications/cancelled': {
        const id = params.requestId;
        if (typeof id !== 'string' && typeof id !== 'number') return;
        const reason = typeof params.reason === 'string' ? params.reason : 'cancelled by the client';
        this.#inFlight.get(id)?.abort(new RequestCancelled(reason));
        return;
      }
      default:
        // Other notifications (roots/list_changed, progress) need no answer; unknown ones are ignored.
        return;
    }
  }

  #request(
    method: string,
    params: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new ErlmcpError('ERR_CONNECTION_CLOSED', 'Connection is closed'));
    const id = this.#outbound.nextId();
    const answer = this.#outbound.track(id, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onCancel: (reason) => {
        if (!this.#closed) {
          this.#send({
            jsonrpc: '2.0',
            method: 'notifications/cancelled',
            params: { requestId: id, reason: reason instanceof Error ? reason.message : String(reason) },
          });
        }
      },
    });
    this.#send({ jsonrpc: '2.0', id, method, params });
    return answer;
  }

  #send(message: JsonRpcMessage): void {
    if (this.#closed) return;
    this.transport.send(message);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const controller of this.#inFlight.values())
      controller.abort(new RequestCancelled('connection closed'));
    this.#inFlight.clear();
    this.#notified.clear();
    this.#outbound.rejectAll(new ErlmcpError('ERR_CONNECTION_CLOSED', 'Connection closed'));
    if (this.#handle) {
      this.core.sessions.delete(this.#handle);
      this.core.supervisor.sessionClosed(this.#handle.session.id, this.principal);
      if (channels.sessionClose.hasSubscribers)
        channels.sessionClose.publish(
          sessionEvent(this.#handle.session, this.transport.kind, this.principal),
        );
    }
    this.core.supervisor.stop();
    this.#resolveClosed();
  }
}

function hasModernMeta(request: JsonRpcRequest): boolean {
  const meta = request.params?._meta;
  return isPlainRecord(meta) && meta[MetaKey.protocolVersion] !== undefined;
}
