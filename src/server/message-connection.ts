import type { AuthInfo } from '../core/auth-info.js';
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
import type { PeerLink, SessionRecord } from './exchange.js';
import { RequestCancelled, serveRequest } from './request-runner.js';
import type { Peer, SessionHost } from './session-host.js';

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
  #session: SessionRecord | undefined;
  #handle: SessionHandle | undefined;
  #closed = false;
  readonly #peer: Peer;
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(
    private readonly core: ServerCore,
    private readonly host: SessionHost,
    private readonly transport: Transport,
    private readonly principal: string | undefined = undefined,
    /** The peer's network address, for per-IP limits (undefined for stdio and in-memory pairs). */
    ip: string | undefined = undefined,
    /** The connection's verified OAuth credentials (checked once, when it opened). */
    private readonly auth: AuthInfo | undefined = undefined,
  ) {
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#peer = { principal, ip, transport: transport.kind ?? 'custom' };
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

  get session(): SessionRecord | undefined {
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
    const refusal = this.host.refuse(request, this.#inFlight, this.#peer, this.#session?.id);
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
      {
        link: this.#link,
        session: this.#session,
        principal: this.principal,
        auth: this.auth,
        transport: this.transport.kind,
      },
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
    const opened = this.host.open(request.params ?? {}, this.#peer, this.#link);
    if (!('session' in opened)) {
      this.#send(errorResponse(request.id, ('refusal' in opened ? opened.refusal : opened.error).toJson()));
      return;
    }
    this.#session = opened.session;
    this.#handle = opened.handle;
    this.#send(resultResponse(request.id, opened.result));
  }

  #onNotification(message: JsonRpcNotification): void {
    this.host.notify(this.#session, this.#inFlight, message);
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
    if (this.#handle) this.host.close(this.#handle, this.#peer);
    this.core.supervisor.stop();
    this.#resolveClosed();
  }
}

function hasModernMeta(request: JsonRpcRequest): boolean {
  const meta = request.params?._meta;
  return isPlainRecord(meta) && meta[MetaKey.protocolVersion] !== undefined;
}
