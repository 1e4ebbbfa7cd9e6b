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

interface StoredStream {
  sessionId: string;
  next: number;
  events: { seq: number; message: JsonRpcMessage }[];
}

/**
 * In-memory EventStore. Ids are `<streamId>.<seq>` with a per-stream counter, so they stay ordered
 * even for many events in the same millisecond, and name their stream for replay.
 */
export class MemoryEventStore implements EventStore {
  readonly #streams = new Map<string, StoredStream>();

  append(sessionId: string, streamId: string, message: JsonRpcMessage): string {
    let stream = this.#streams.get(streamId);
    if (!stream) {
      stream = { sessionId, next: 1, events: [] };
      this.#streams.set(streamId, stream);
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
    const stream = this.#streams.get(streamId);
    if (!stream || stream.sessionId !== sessionId || !Number.isInteger(seq)) return undefined;
    const events = stream.events
      .filter((event) => event.seq > seq)
      .map((event) => ({ id: `${streamId}.${event.seq}`, message: event.message }));
    return { streamId, events };
  }

  forget(sessionId: string): void {
    for (const [id, stream] of this.#streams) if (stream.sessionId === sessionId) this.#streams.delete(id);
  }
}
