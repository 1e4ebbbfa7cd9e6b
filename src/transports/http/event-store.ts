import type { JsonRpcMessage } from '../../jsonrpc/message.js';

/** The events of one stream after a `Last-Event-ID`, oldest first. */
export interface Replay {
  streamId: string;
  events: { id: string; message: JsonRpcMessage }[];
}

/** Where the events of 2025 SSE streams are kept so a client can resume after `Last-Event-ID`. */
export interface EventStore {
  /**
   * Stores one message of a stream and returns its event id (ordered within the stream). `size` is
   * the length of its serialised form, for stores that budget memory.
   */
  append(sessionId: string, streamId: string, message: JsonRpcMessage, size?: number): string;
  /**
   * Events after `lastEventId`, if that id belongs to a stream of `sessionId`; else undefined. A
   * shared store (another node wrote the stream) may answer later; one that cannot be read rejects.
   */
  replay(sessionId: string, lastEventId: string): Replay | undefined | Promise<Replay | undefined>;
  /** Drops every stream of a session. */
  forget(sessionId: string): void;
  /** Drops what may no longer be resumed at `now` (called about once a minute); optional. */
  expire?(now: number): void;
}

/** Named limit: events kept per stream in memory; older ones cannot be replayed. */
export const MAX_EVENTS_PER_STREAM = 1000;

/**
 * Named limit: streams kept per session. Every SSE response of a 2025 session is a stream; past this
 * many, the one written to longest ago is dropped (it can no longer be resumed), so a long session
 * answering with SSE does not grow without bound.
 */
export const MAX_STREAMS_PER_SESSION = 256;

/**
 * Named limit (`http.maxResumableBytesPerSession`): serialised bytes of events kept per session.
 * Past it the streams written to longest ago are dropped, then the oldest events of the last one; the
 * newest event is always kept. Without it a session answering large results over SSE would keep 256
 * of them (a 1 MiB result read 256 times: 256 MiB for one session).
 */
export const DEFAULT_MAX_RESUMABLE_BYTES_PER_SESSION = 1024 * 1024;

/**
 * Named limit (`http.resumeWindowMs`): a stream not written to for this long can no longer be
 * resumed and is dropped. A client resumes after a lost connection within seconds (`retry` is 1 s);
 * without a window, a session that answered 256 requests over SSE would hold ~150 KiB until it ends.
 */
export const DEFAULT_RESUME_WINDOW_MS = 5 * 60_000;

interface StoredStream {
  /** When it was last written to (ms since the epoch). */
  written: number;
  next: number;
  bytes: number;
  events: { seq: number; message: JsonRpcMessage; size: number }[];
}

interface StoredSession {
  bytes: number;
  streams: Map<string, StoredStream>;
}

/**
 * In-memory EventStore. Ids are `<streamId>.<seq>` with a per-stream counter, so they stay ordered
 * even for many events in the same millisecond, and name their stream for replay. Streams are kept
 * per session, most recently written last.
 */
export class MemoryEventStore implements EventStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #maxBytes: number;
  readonly #windowMs: number;

  constructor(options: { maxBytesPerSession?: number; resumeWindowMs?: number } = {}) {
    this.#maxBytes = options.maxBytesPerSession ?? DEFAULT_MAX_RESUMABLE_BYTES_PER_SESSION;
    this.#windowMs = options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS;
  }

  append(sessionId: string, streamId: string, message: JsonRpcMessage, size = 0, now = Date.now()): string {
    let session = this.#sessions.get(sessionId);
    if (!session) {
      session = { bytes: 0, streams: new Map() };
      this.#sessions.set(sessionId, session);
    }
    const streams = session.streams;
    let stream = streams.get(streamId);
    if (!stream) {
      stream = { written: now, next: 1, bytes: 0, events: [] };
      streams.set(streamId, stream);
      // Maps iterate in insertion order: the first key is the stream written to longest ago.
      if (streams.size > MAX_STREAMS_PER_SESSION) this.#dropOldestStream(session);
    } else if (streams.size > 1) {
      // Written again: it moves to the end, so a long-lived GET stream is never the one dropped.
      streams.delete(streamId);
      streams.set(streamId, stream);
    }
    stream.written = now;
    const seq = stream.next++;
    stream.events.push({ seq, message, size });
    stream.bytes += size;
    session.bytes += size;
    if (stream.events.length > MAX_EVENTS_PER_STREAM) this.#dropOldestEvent(session, stream);
    while (session.bytes > this.#maxBytes) {
      if (streams.size > 1) this.#dropOldestStream(session);
      else if (stream.events.length > 1) this.#dropOldestEvent(session, stream);
      else break;
    }
    return `${streamId}.${seq}`;
  }

  #dropOldestStream(session: StoredSession): void {
    const oldest = session.streams.keys().next().value!;
    session.bytes -= session.streams.get(oldest)!.bytes;
    session.streams.delete(oldest);
  }

  #dropOldestEvent(session: StoredSession, stream: StoredStream): void {
    const dropped = stream.events.shift()!;
    stream.bytes -= dropped.size;
    session.bytes -= dropped.size;
  }

  replay(sessionId: string, lastEventId: string): Replay | undefined {
    const dot = lastEventId.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const streamId = lastEventId.slice(0, dot);
    const seq = Number(lastEventId.slice(dot + 1));
    // Looked up within the asking session only: another session's stream ids do not exist here.
    const stream = this.#sessions.get(sessionId)?.streams.get(streamId);
    if (!stream || !Number.isInteger(seq)) return undefined;
    const events = stream.events
      .filter((event) => event.seq > seq)
      .map((event) => ({ id: `${streamId}.${event.seq}`, message: event.message }));
    return { streamId, events };
  }

  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  /** Drops streams written to longer ago than the resume window, and sessions left with none. */
  expire(now = Date.now()): void {
    const before = now - this.#windowMs;
    for (const [sessionId, session] of this.#sessions) {
      // Streams are ordered by last write: the stale ones are at the front.
      for (const stream of session.streams.values()) {
        if (stream.written >= before) break;
        this.#dropOldestStream(session);
      }
      if (session.streams.size === 0) this.#sessions.delete(sessionId);
    }
  }

  /** Streams held for a session (for tests and diagnostics). */
  streamCount(sessionId: string): number {
    return this.#sessions.get(sessionId)?.streams.size ?? 0;
  }

  /** Serialised bytes held for a session (for tests and diagnostics). */
  byteCount(sessionId: string): number {
    return this.#sessions.get(sessionId)?.bytes ?? 0;
  }
}
