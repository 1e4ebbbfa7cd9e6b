import type { LimitError } from '../admission/limit-errors.js';
import { channels, sessionEvent, type TransportName } from '../core/diagnostics.js';
import { invalidRequest, type McpError } from '../jsonrpc/errors.js';
import type { LazyAbort } from '../jsonrpc/lazy-abort.js';
import type { JsonRpcNotification, JsonRpcRequest } from '../jsonrpc/message.js';
import type { RequestId } from '../protocol/types.js';
import type { ServerCore, SessionHandle } from './core.js';
import type { PeerLink, SessionRecord } from './exchange.js';
import type { Result } from './handlers/handler-types.js';
import { openSessionRecord } from './open-session.js';
import { RequestCancelled } from './request-runner.js';

/** Who a session or request belongs to, and where it came from. */
export interface Peer {
  /** The authenticated identity (mutual TLS today); sessions are bound to it. */
  readonly principal: string | undefined;
  /** The client's address, for per-IP limits (undefined for stdio and in-memory pairs). */
  readonly ip: string | undefined;
  readonly transport: TransportName;
}

/** What `initialize` produced: a session, or why there is none. */
export type Opened =
  | { session: SessionRecord; handle: SessionHandle; result: Result }
  | { refusal: LimitError }
  | { error: McpError };

/**
 * The 2025 session lifecycle, one copy for every transport (message streams and HTTP alike): admit,
 * open, register and announce a session; the client's lifecycle notifications; the in-flight-id rule
 * and request admission; close. Transports keep only their framing (an HTTP session's streams, a
 * connection's writes). This is where a session store and an authenticated principal plug in.
 */
export class SessionHost {
  constructor(private readonly core: ServerCore) {}

  /** `initialize`: admits a new session for `peer`, opens it, and makes it reachable through `link`. */
  open(params: Record<string, unknown>, peer: Peer, link: PeerLink, idPrefix?: string): Opened {
    const refusal = this.core.supervisor.admitSession(peer);
    if (refusal) return { refusal };
    const opened = openSessionRecord(this.core, params, idPrefix);
    if ('error' in opened) return opened;
    const handle: SessionHandle = { session: opened.session, link };
    this.core.supervisor.sessionOpened(peer.principal);
    this.core.sessions.add(handle);
    if (channels.sessionOpen.hasSubscribers)
      channels.sessionOpen.publish(sessionEvent(opened.session, peer.transport, peer.principal));
    return { session: opened.session, handle, result: opened.result };
  }

  /**
   * A session another node opened, rebuilt here from the cluster's shared store: admitted like a new
   * one (it counts toward this node's caps), registered and announced, but not negotiated again.
   */
  adopt(session: SessionRecord, peer: Peer, link: PeerLink): SessionHandle | { refusal: LimitError } {
    const refusal = this.core.supervisor.admitSession(peer);
    if (refusal) return { refusal };
    const handle: SessionHandle = { session, link };
    this.core.supervisor.sessionOpened(peer.principal);
    this.core.sessions.add(handle);
    if (channels.sessionOpen.hasSubscribers)
      channels.sessionOpen.publish(sessionEvent(session, peer.transport, peer.principal));
    return handle;
  }

  /**
   * Why a request of a session (or a sessionless connection) may not run: a duplicate of an id still
   * in flight (-32600), or a refusal by admission (rate, in-flight, shedding). Undefined: run it.
   * The same for a request alone and for each member of a batch.
   */
  refuse(
    request: JsonRpcRequest,
    inFlight: ReadonlyMap<RequestId, unknown>,
    peer: Peer,
    sessionId: string | undefined,
  ): McpError | LimitError | undefined {
    if (inFlight.has(request.id)) {
      return invalidRequest(`Request id ${String(request.id)} is already in flight`);
    }
    return this.core.supervisor.admitRequest(request.method, {
      sessionId,
      principal: peer.principal,
      ip: peer.ip,
      sessionInFlight: inFlight.size,
      transport: peer.transport,
    });
  }

  /** The client's lifecycle notifications: `initialized`, and `cancelled` with its reason. */
  notify(
    session: SessionRecord | undefined,
    inFlight: ReadonlyMap<RequestId, LazyAbort>,
    message: JsonRpcNotification,
  ): void {
    const params = message.params ?? {};
    switch (message.method) {
      case 'notifications/initialized':
        if (session) session.initialized = true;
        return;
      case 'notifications/cancelled': {
        const id = params.requestId;
        if (typeof id !== 'string' && typeof id !== 'number') return;
        const reason = typeof params.reason === 'string' ? params.reason : 'cancelled by the client';
        inFlight.get(id)?.abort(new RequestCancelled(reason));
        return;
      }
      default:
        // Other notifications (roots/list_changed, progress) need no answer; unknown ones are ignored.
        return;
    }
  }

  /** Unregisters a session and announces its end; a handle not registered (already closed) is ignored. */
  close(handle: SessionHandle, peer: Peer): void {
    if (!this.core.sessions.delete(handle)) return;
    this.core.supervisor.sessionClosed(handle.session.id, peer.principal);
    if (channels.sessionClose.hasSubscribers)
      channels.sessionClose.publish(sessionEvent(handle.session, peer.transport, peer.principal));
  }
}
