import { ErlmcpError } from '../../jsonrpc/errors.js';
import type { LazyAbort } from '../../jsonrpc/lazy-abort.js';
import type { JsonRpcNotification } from '../../jsonrpc/message.js';
import { PendingRequests } from '../../jsonrpc/pending-requests.js';
import { supportsFeature } from '../../protocol/revisions.js';
import type { RequestId } from '../../protocol/types.js';
import type { SessionHandle } from '../../server/core.js';
import type { PeerLink, SessionRecord } from '../../server/exchange.js';
import type { EventStore } from './event-store.js';
import type { Resumable, SseStream } from './sse-stream.js';

/**
 * A 2025-era session over HTTP: the session record, its server→client requests awaiting answers
 * (which arrive as separate POSTs), its in-flight requests, and its live SSE streams.
 */
export class HttpSession {
  readonly outbound: PendingRequests;
  readonly inFlight = new Map<RequestId, LazyAbort>();
  /** Streams that may still be resumed, by stream id. */
  readonly streams = new Map<string, SseStream>();
  /** The GET stream for messages not tied to a request (list_changed, task status). */
  standalone: SseStream | undefined;
  lastActivity = Date.now();
  #streamCounter = 0;

  constructor(
    readonly record: SessionRecord,
    /** The mutual-TLS identity that opened the session; only it may use the session. */
    readonly principal: string | undefined,
    /** The session as the server core knows it (the session host registered it). */
    readonly handle: SessionHandle,
    /**
     * A cluster node's id: its stream ids and server→client request ids carry it, so they never clash
     * with another node's copy of the session and an answer POSTed to another node finds this one.
     */
    readonly nodeId?: string,
  ) {
    this.outbound = new PendingRequests(nodeId === undefined ? undefined : `${nodeId}.`);
  }

  /**
   * How the server reaches a session outside any request: notifications go to its GET stream;
   * requests need a request's stream. `session` is read late: the link exists before the session.
   */
  static standaloneLink(session: () => HttpSession | undefined): PeerLink {
    return {
      notify: (message: JsonRpcNotification) => session()?.standalone?.send(message),
      request: () =>
        Promise.reject(new ErlmcpError('ERR_NOT_CONNECTED', 'No request stream to carry a server request')),
    };
  }

  /**
   * The standalone link of a session made only after the link is needed (`bind` it then). Made here,
   * not where the session is opened: a closure keeps its whole function's context alive, and there
   * that context holds the `initialize` request and its response for as long as the session lives.
   */
  static lateLink(): { link: PeerLink; bind(session: HttpSession): void } {
    let bound: HttpSession | undefined;
    return {
      link: HttpSession.standaloneLink(() => bound),
      bind: (session) => {
        bound = session;
      },
    };
  }

  get id(): string {
    return this.record.id;
  }

  /** How its streams keep their events in `store`, primed as its negotiated revision allows. */
  resumableIn(store: EventStore): Resumable {
    return {
      store,
      sessionId: this.record.id,
      primed: supportsFeature(this.record.protocolVersion, 'primingEvent'),
    };
  }

  /**
   * A new stream's id. In a cluster it names this node, and a GET stream's counter starts with `g`,
   * so another node resuming it after this one is gone knows to continue it live.
   */
  nextStreamId(standalone = false): string {
    this.#streamCounter += 1;
    return this.nodeId === undefined
      ? `${this.record.id}-${this.#streamCounter}`
      : `${this.record.id}-${this.nodeId}-${standalone ? 'g' : ''}${this.#streamCounter}`;
  }

  /**
   * The node that writes stream `streamId` of this session (`<session>-<node>-<n>`, see
   * `nextStreamId`), or undefined outside a cluster or for an id of another form.
   */
  writerOf(streamId: string): string | undefined {
    if (this.nodeId === undefined || !streamId.startsWith(`${this.record.id}-`)) return undefined;
    const rest = streamId.slice(this.record.id.length + 1);
    const dash = rest.lastIndexOf('-');
    return dash > 0 ? rest.slice(0, dash) : undefined;
  }

  touch(): void {
    this.lastActivity = Date.now();
  }

  /** Idle: nothing in flight and no stream open. */
  idleFor(now: number): number {
    if (this.inFlight.size > 0 || this.openStreams() > 0) return 0;
    return now - this.lastActivity;
  }

  /** Streams still open to a reader (the GET stream and POST responses). */
  openStreams(): number {
    let open = this.standalone?.attached ? 1 : 0;
    for (const stream of this.streams.values()) if (stream.attached) open++;
    return open;
  }

  /** Ends everything the session owns; with `retryMs`, streams tell the client to reconnect. */
  close(reason: string, retryMs?: number): void {
    for (const abort of this.inFlight.values()) abort.abort(new Error(reason));
    this.outbound.rejectAll(new ErlmcpError('ERR_CONNECTION_CLOSED', reason));
    for (const stream of [this.standalone, ...this.streams.values()]) {
      if (retryMs === undefined) stream?.end();
      else stream?.endWithRetry(retryMs);
    }
    this.streams.clear();
  }
}
