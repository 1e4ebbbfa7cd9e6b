import type { ServerResponse } from 'node:http';
import type { ClusterMessage, ClusterNode } from '../../server/cluster.js';
import type { EventStore } from './event-store.js';
import type { HttpSession } from './http-session.js';
import type { SseStream } from './sse-stream.js';

type FollowMessage = Extract<ClusterMessage, { type: 'stream-follow' }>;
type EventsMessage = Extract<ClusterMessage, { type: 'stream-events' }>;
type StreamEvent = EventsMessage['events'][number];

/**
 * How long a node waits for the node writing a stream to answer a follow (a pub/sub round trip
 * within a cluster). Past it the writer is taken for gone and the resumed stream ends.
 */
export const FOLLOW_ANSWER_MS = 2000;

interface Following {
  readonly sessionId: string;
  readonly stream: SseStream;
  /** Sequence number of the last event taken (written, or kept in `backlog`). */
  lastSeq: number;
  /** Events taken before the client's response is attached; undefined once it is. */
  backlog: StreamEvent[] | undefined;
  /** The writer said no more events will come (seen before the response was attached). */
  ended: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Settles `follow`'s promise with the writer's first answer (undefined: none in time). */
  answered: ((known: boolean | undefined) => void) | undefined;
}

/**
 * Request streams of 2025 sessions resumed on another node than the one writing them. A client that
 * lost a POST's SSE response resumes it with GET + Last-Event-ID, and without affinity that GET may
 * reach any node. That node follows the stream: the writer sends the events after the client's last
 * one, then every later one over pub/sub until the request ends, so the result still reaches the
 * client. Both roles live here: following (the resuming node) and relaying (the writing node).
 */
export class StreamFollowing {
  /** Streams followed from here, by stream id (an id names its session). */
  readonly #following = new Map<string, Following>();

  constructor(
    private readonly cluster: ClusterNode,
    private readonly sessions: ReadonlyMap<string, HttpSession>,
    private readonly store: EventStore,
  ) {}

  /**
   * Asks `writer` for the events of `stream` after event `after`, and for every later one. With
   * `res`, `stream` is already attached to the client's response; without, the events wait for
   * `attach`. Resolves with the writer's first answer: whether it knows the stream, or undefined
   * when it gave none in time (the stream then ends).
   */
  follow(
    sessionId: string,
    stream: SseStream,
    after: number,
    writer: string,
    res?: ServerResponse,
  ): Promise<boolean | undefined> {
    // A second resumption on this node supersedes the first.
    const previous = this.#following.get(stream.id);
    if (previous) this.#stop(stream.id, previous);
    return new Promise((resolve) => {
      const entry: Following = {
        sessionId,
        stream,
        lastSeq: after,
        backlog: res ? undefined : [],
        ended: false,
        timer: undefined,
        answered: resolve,
      };
      entry.timer = setTimeout(() => this.#stop(stream.id, entry), FOLLOW_ANSWER_MS).unref();
      this.#following.set(stream.id, entry);
      if (res) this.#watch(res, entry);
      this.cluster.publish(
        { type: 'stream-follow', sessionId, streamId: stream.id, after, node: this.cluster.nodeId },
        writer,
      );
    });
  }

  /** Attaches the client's response to a stream `follow` kept waiting, with what came meanwhile. */
  attach(stream: SseStream, res: ServerResponse): void {
    stream.attach(res);
    const entry = this.#following.get(stream.id);
    if (entry?.stream !== stream || !entry.backlog) {
      stream.end(); // superseded meanwhile
      return;
    }
    stream.replay(entry.backlog);
    entry.backlog = undefined;
    this.#watch(res, entry);
    if (entry.ended) this.#stop(stream.id, entry);
  }

  /** Gives up a stream `follow` kept waiting (its writer does not know it: nothing to resume). */
  unfollow(stream: SseStream): void {
    const entry = this.#following.get(stream.id);
    if (entry?.stream === stream) this.#forget(stream.id, entry);
  }

  /** Writer side: sends what the follower has not seen yet, then every later event, to its node. */
  relay(message: FollowMessage): void {
    const stream = this.sessions.get(message.sessionId)?.streams.get(message.streamId);
    const live = stream !== undefined && !stream.ended;
    // This node wrote the stream, so its own copy answers at once and in order with what follows; a
    // promise means that copy was dropped (the follower may still have read the shared store).
    const gap = this.store.replay(message.sessionId, `${message.streamId}.${message.after}`);
    if (gap instanceof Promise) gap.catch(() => {});
    const known = gap !== undefined && !(gap instanceof Promise);
    this.#send(message, known ? gap.events : [], !live, known);
    if (live) {
      stream.relayTo({
        event: (id, event) => this.#send(message, [{ id, message: event }], false, true),
        ended: () => this.#send(message, [], true, true),
      });
    }
  }

  /** Follower side: events from the writer, taken once each, in order. */
  received(message: EventsMessage): void {
    const entry = this.#following.get(message.streamId);
    if (!entry || entry.sessionId !== message.sessionId) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.answered?.(message.known);
    entry.answered = undefined;
    const fresh = message.events.filter((event) => sequenceOf(event.id) > entry.lastSeq);
    if (fresh.length > 0) {
      entry.lastSeq = sequenceOf(fresh[fresh.length - 1]!.id);
      if (entry.backlog) entry.backlog.push(...fresh);
      else entry.stream.replay(fresh);
    }
    if (!message.ended) return;
    if (entry.backlog) entry.ended = true;
    else this.#stop(message.streamId, entry);
  }

  #watch(res: ServerResponse, entry: Following): void {
    // The writer relays until the request ends; events for a reader gone meanwhile are dropped here.
    res.once('close', () => this.#forget(entry.stream.id, entry));
  }

  #send(follow: FollowMessage, events: readonly StreamEvent[], ended: boolean, known: boolean): void {
    this.cluster.publish(
      { type: 'stream-events', sessionId: follow.sessionId, streamId: follow.streamId, events, ended, known },
      follow.node,
    );
  }

  #stop(streamId: string, entry: Following): void {
    this.#forget(streamId, entry);
    entry.stream.end();
  }

  #forget(streamId: string, entry: Following): void {
    clearTimeout(entry.timer);
    entry.answered?.(undefined);
    entry.answered = undefined;
    if (this.#following.get(streamId) === entry) this.#following.delete(streamId);
  }
}

/** An event id's sequence number within its stream (`<streamId>.<seq>`). */
export function sequenceOf(eventId: string): number {
  return Number(eventId.slice(eventId.lastIndexOf('.') + 1));
}
