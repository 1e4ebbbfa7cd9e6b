import type { JsonRpcMessage } from '../../jsonrpc/message.js';

/** Where the events of 2025 SSE streams are kept so a client can resume after `Last-Event-ID`. */
export interface EventStore {
  /** Stores one message of a stream and returns its event id (ordered within the stream). */
  append(sessionId: string, streamId: string, message: JsonRpcMessage): string;
  /** Events after `lastEventId`, if that id belongs to a stream of `sessionId`; else undefined. */
  replay(
    sessionId: string,
    lastEventId: string,
  ): { streamId: string; events: { id: string; message: JsonRpcMessage }[] } | undefined;
  /** Drops every stream of a session. */
  forget(sessionId: string): void;
}

/** Named limit: events kept per stream in memory; older ones cannot be replayed. */
export const MAX_EVENTS_PER_STREAM = 1000;

/**
 * Named limit: streams kept per session. Every SSE response of a 2025 session is a stream; past this
 * many, the one written to longest ago is dropped (it can no longer be resumed), so a long session
 * answering with SSE does not grow without bound.
 */
export const MAX_STREAMS_PER_SESSION = 256;

interface StoredStream {
  next: number;
  events: { seq: number; message: JsonRpcMessage }[];
}

/**
 * In-memory EventStore. Ids are `<streamId>.<seq>` with a per-stream counter, so they stay ordered
 * even for many events in the same millisecond, and name their stream for replay. Streams are kept
 * per session, most recently written last.
 */
export class MemoryEventStore implements EventStore {
  readonly #sessions = new Map<string, Map<string, StoredStream>>();

  append(sessionId: string, streamId: string, message: JsonRpcMessage): string {
    let streams = this.#sessions.get(sessionId);
    if (!streams) {
      streams = new Map();
      this.#sessions.set(sessionId, streams);
    }
    let stream = streams.get(streamId);
    if (!stream) {
      stream = { next: 1, events: [] };
      streams.set(streamId, stream);
      // Maps iterate in insertion order: the first key is the stream written to longest ago.
      if (streams.size > MAX_STREAMS_PER_SESSION) streams.delete(streams.keys().next().value!);
    } else if (streams.size > 1) {
      // Written again: it moves to the end, so a long-lived GET stream is never the one dropped.
      streams.delete(streamId);
      streams.set(streamId, stream);
    }
    const seq = stream.next++;
    stream.events.push({ seq, message });
    if (stream.events.length > MAX_EVENTS_PER_STREAM) stream.events.shift();
    return `${streamId}.${seq}`;
  }

  replay(sessionId: string, lastEventId: string) {
    const dot = lastEventId.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const streamId = lastEventId.slice(0, dot);
    const seq = Number(lastEventId.slice(dot + 1));
    // Looked up within the asking session only: another session's stream ids do not exist here.
    const stream = this.#sessions.get(sessionId)?.get(streamId);
    if (!stream || !Number.isInteger(seq)) return undefined;
    const events = stream.events
      .filter((event) => event.seq > seq)
      .map((event) => ({ id: `${streamId}.${event.seq}`, message: event.message }));
    return { streamId, events };
  }

  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  /** Streams held for a session (for tests and diagnostics). */
  streamCount(sessionId: string): number {
    return this.#sessions.get(sessionId)?.size ?? 0;
  }
}
