import type { JsonRpcMessage } from '../jsonrpc/message.js';
import {
  DEFAULT_RESUME_WINDOW_MS,
  type EventStore,
  MAX_EVENTS_PER_STREAM,
  MemoryEventStore,
  type Replay,
} from '../transports/http/event-store.js';
import type { RedisLink, RedisReply } from './redis-link.js';
import { streamKey } from './session-keys.js';

/**
 * SSE events of 2025 streams, resumable from any node: each stream is a Redis Stream (entry id
 * `0-<seq>`, capped near MAX_EVENTS_PER_STREAM, expiring a resume window after its last write), and
 * this node keeps its own streams in memory too, so a client resuming on the node that wrote the
 * stream is answered without Redis. Appends are written behind (pipelined, in order); while Redis
 * is away they stay resumable here only.
 */
export class RedisEventStore implements EventStore {
  readonly #local: MemoryEventStore;
  readonly #windowMs: number;
  /** When each stream's key last had its expiry pushed back (ms), to do that once per quarter window. */
  readonly #expirySetAt = new Map<string, number>();

  constructor(
    private readonly link: RedisLink,
    options: {
      maxBytesPerSession?: number;
      resumeWindowMs?: number;
      onError?: (error: unknown) => void;
    } = {},
  ) {
    this.#local = new MemoryEventStore(options);
    this.#windowMs = options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS;
    this.onError = options.onError ?? (() => {});
  }

  private readonly onError: (error: unknown) => void;

  append(sessionId: string, streamId: string, message: JsonRpcMessage, size = 0, now = Date.now()): string {
    const id = this.#local.append(sessionId, streamId, message, size, now);
    const key = streamKey(sessionId, streamId);
    const seq = id.slice(streamId.length + 1);
    const args = [
      'XADD',
      key,
      'MAXLEN',
      '~',
      String(MAX_EVENTS_PER_STREAM),
      `0-${seq}`,
      'm',
      JSON.stringify(message),
    ];
    this.link.command(key, args).catch(this.onError);
    const setAt = this.#expirySetAt.get(key);
    if (setAt === undefined || now - setAt > this.#windowMs / 4) {
      this.#expirySetAt.set(key, now);
      this.link.command(key, ['PEXPIRE', key, String(this.#windowMs)]).catch(this.onError);
    }
    return id;
  }

  replay(sessionId: string, lastEventId: string): Replay | undefined | Promise<Replay | undefined> {
    return this.#local.replay(sessionId, lastEventId) ?? this.#replayShared(sessionId, lastEventId);
  }

  async #replayShared(sessionId: string, lastEventId: string): Promise<Replay | undefined> {
    const dot = lastEventId.lastIndexOf('.');
    const seq = Number(lastEventId.slice(dot + 1));
    if (dot <= 0 || !Number.isSafeInteger(seq) || seq < 1) return undefined;
    const streamId = lastEventId.slice(0, dot);
    const key = streamKey(sessionId, streamId);
    // From the named event on: its presence proves nothing was trimmed between it and the rest.
    const entries = (await this.link.command(key, ['XRANGE', key, `0-${seq}`, '+'])) as RedisReply[];
    const events = entries.map(parseEntry);
    if (events[0]?.seq !== seq) return undefined;
    return {
      streamId,
      events: events.slice(1).map((event) => ({ id: `${streamId}.${event.seq}`, message: event.message })),
    };
  }

  forget(sessionId: string): void {
    this.#local.forget(sessionId);
  }

  expire(now = Date.now()): void {
    this.#local.expire(now);
    for (const [key, setAt] of this.#expirySetAt)
      if (now - setAt > this.#windowMs) this.#expirySetAt.delete(key);
  }
}

/** One XRANGE entry: `[ '0-<seq>', [ 'm', json ] ]`. */
function parseEntry(entry: RedisReply): { seq: number; message: JsonRpcMessage } {
  const [id, fields] = entry as [string, string[]];
  return { seq: Number(id.slice(2)), message: JSON.parse(fields[1]!) as JsonRpcMessage };
}
