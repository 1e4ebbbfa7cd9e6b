import type { ServerResponse } from 'node:http';
import type { LimitError } from '../../admission/limit-errors.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import type { RequestId } from '../../protocol/types.js';
import {
  applySharedChange,
  type ClusterMessage,
  type ClusterNode,
  principalDigest,
  sessionRecordOf,
  sharedSession,
} from '../../server/cluster.js';
import { RequestCancelled } from '../../server/request-runner.js';
import type { Peer, SessionHost } from '../../server/session-host.js';
import type { EventStore } from './event-store.js';
import { HttpSession } from './http-session.js';
import type { SseStream } from './sse-stream.js';
import { StreamFollowing } from './stream-following.js';

/** Methods after which a 2025 session's shared state may have changed. */
const STATE_METHODS: ReadonlySet<string> = new Set([
  'logging/setLevel',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/**
 * The 2025 HTTP sessions of one node in a cluster: rebuilds a session another node opened from the
 * shared store, keeps that store told of changes, and carries to the right node what a client sent
 * to the wrong one (answers to server→client requests, cancellations). This node's own copy is the
 * fast path: a session it holds is served without reading the store.
 */
export class ClusterSessions {
  /** When each session's expiry in the store was last pushed back (ms). */
  readonly #touchedAt = new Map<string, number>();
  readonly #following: StreamFollowing;

  constructor(
    readonly cluster: ClusterNode,
    private readonly host: SessionHost,
    private readonly sessions: Map<string, HttpSession>,
    private readonly idleMs: number,
    /** Ends this node's copy only (the session lives on in the store and on other nodes). */
    private readonly dropLocal: (session: HttpSession, reason: string) => void,
    store: EventStore,
  ) {
    this.#following = new StreamFollowing(cluster, sessions, store);
    cluster.onMessage((message) => this.#receive(message));
  }

  get nodeId(): string {
    return this.cluster.nodeId;
  }

  /** Stores a session just opened here; rejects when the store is unreachable. */
  created(session: HttpSession): Promise<void> {
    this.#touchedAt.set(session.id, Date.now());
    return this.cluster.createSession(sharedSession(session.record, session.principal), this.idleMs);
  }

  /**
   * The session `id` rebuilt from the store for `principal`, or undefined when it does not exist
   * (or belongs to someone else); a refusal when this node is at its session cap. Rejects when the
   * store is unreachable (the caller answers 503, not 404: the session may well exist).
   */
  async adopt(id: string, peer: Peer): Promise<HttpSession | LimitError | undefined> {
    const shared = await this.cluster.loadSession(id);
    // A request that raced this one may have adopted it meanwhile.
    const raced = this.sessions.get(id);
    if (raced) return raced.principal === peer.principal ? raced : undefined;
    if (!shared || shared.principalDigest !== principalDigest(peer.principal)) return undefined;
    const record = sessionRecordOf(shared);
    let session: HttpSession | undefined;
    const handle = this.host.adopt(
      record,
      peer,
      HttpSession.standaloneLink(() => session),
    );
    if ('refusal' in handle) return handle.refusal;
    session = new HttpSession(record, peer.principal, handle, this.nodeId);
    this.sessions.set(id, session);
    this.#touchedAt.set(id, Date.now());
    return session;
  }

  /**
   * A request ran: its session's state may have changed (then a promise, settled once every node
   * knows: answer after it), else the store's expiry moves on now and then.
   */
  ran(session: HttpSession, method: string): Promise<void> | undefined {
    if (STATE_METHODS.has(method)) return this.changed(session);
    this.touched(session);
    return undefined;
  }

  /** Shares the session's state; settles once stored and told to the other nodes. */
  changed(session: HttpSession): Promise<void> {
    this.#touchedAt.set(session.id, Date.now());
    return this.cluster.updateSession(sharedSession(session.record, session.principal), this.idleMs);
  }

  /** Pushes the session's expiry back at most once per quarter of the idle timeout. */
  touched(session: HttpSession, now = Date.now()): void {
    const last = this.#touchedAt.get(session.id) ?? 0;
    if (now - last < this.idleMs / 4) return;
    this.#touchedAt.set(session.id, now);
    this.cluster.touchSession(session.id, this.idleMs);
  }

  /** The client ended the session (DELETE): it ends on every node; resolves once all were told. */
  deleted(session: HttpSession): Promise<void> {
    this.#touchedAt.delete(session.id);
    return this.cluster.deleteSession(session.id);
  }

  /** This node's copy went (idle, shutdown): only its bookkeeping here. */
  forgotten(sessionId: string): void {
    this.#touchedAt.delete(sessionId);
  }

  /** The session's GET stream opened here: other nodes let go of theirs. */
  streamOpened(session: HttpSession, streamId: string): void {
    this.cluster.publish({ type: 'stream-moved', sessionId: session.id, streamId });
  }

  /**
   * Follows a request stream another node writes (see StreamFollowing.follow): resolves with whether
   * that node still has it from event `after` on, undefined when it did not answer in time.
   */
  follow(
    session: HttpSession,
    stream: SseStream,
    after: number,
    res?: ServerResponse,
  ): Promise<boolean | undefined> {
    return this.#following.follow(session.id, stream, after, session.writerOf(stream.id)!, res);
  }

  attachFollowed(stream: SseStream, res: ServerResponse): void {
    this.#following.attach(stream, res);
  }

  unfollow(stream: SseStream): void {
    this.#following.unfollow(stream);
  }

  /**
   * An answer to a server→client request this node did not send: to the node its id names. False
   * when the id names no other node (an unknown or late answer, ignored as on one node).
   */
  forwardResponse(session: HttpSession, message: JsonRpcMessage): boolean {
    const node = 'id' in message ? senderOf(message.id) : undefined;
    if (node === undefined || node === this.nodeId) return false;
    this.cluster.publish({ type: 'response', sessionId: session.id, message }, node);
    return true;
  }

  /** A cancellation for a request not running here: every node checks its own. */
  cancelElsewhere(session: HttpSession, requestId: RequestId, reason: string): void {
    this.cluster.publish({ type: 'cancel', sessionId: session.id, requestId, reason });
  }

  #receive(message: ClusterMessage): void {
    switch (message.type) {
      case 'session-changed': {
        const local = this.sessions.get(message.session.id);
        if (local) applySharedChange(local.record, message.session);
        return;
      }
      case 'session-ended': {
        const local = this.sessions.get(message.sessionId);
        if (local) this.dropLocal(local, 'session deleted by the client');
        return;
      }
      case 'stream-moved': {
        const local = this.sessions.get(message.sessionId);
        if (local?.standalone && local.standalone.id !== message.streamId) {
          local.standalone.end();
          local.standalone = undefined;
        }
        return;
      }
      case 'response':
        this.sessions.get(message.sessionId)?.outbound.resolve(message.message as never);
        return;
      case 'stream-follow':
        this.#following.relay(message);
        return;
      case 'stream-events':
        this.#following.received(message);
        return;
      case 'cancel':
        this.sessions
          .get(message.sessionId)
          ?.inFlight.get(message.requestId)
          ?.abort(new RequestCancelled(message.reason));
        return;
      default:
        return;
    }
  }
}

/** The node a server→client request id names (`<nodeId>.<n>`), if any. */
function senderOf(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : undefined;
}
