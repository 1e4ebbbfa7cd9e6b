import type { ServerResponse } from 'node:http';
import { channels, publishBytes, type StreamEvent } from '../../core/diagnostics.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import type { JsonRpcMessage } from '../../jsonrpc/message.js';
import { encodeSseEvent, SSE_KEEP_ALIVE } from '../framing/sse.js';
import type { EventStore } from './event-store.js';

export interface SseStreamOptions {
  keepAliveMs: number;
  retryMs: number;
  /** A reader this far behind is cut off (its events stay resumable in 2025). Default 8 MiB. */
  maxBufferedBytes?: number;
  /** 2025: events are stored under ids so the client can resume; 2026 streams are not resumable. */
  resumable?: Resumable;
}

export interface Resumable {
  store: EventStore;
  sessionId: string;
  /** The stream opens with a priming event (its id, empty data): only for 2025-11-25 sessions on. */
  primed: boolean;
}

/**
 * Another node's reader of this stream (a cluster client resumed it there): gets every event this
 * stream stores from now on, and is told when the stream ends or a reader here takes it back.
 */
export interface StreamRelay {
  event(id: string, message: JsonRpcMessage): void;
  ended(): void;
}

/** Named limit: bytes an SSE response may hold unsent before a slow reader is cut off. */
export const DEFAULT_MAX_SSE_BUFFER_BYTES = 8 * 1024 * 1024;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tells nginx and similar proxies not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;

/**
 * One SSE stream of messages. A resumable stream outlives its HTTP response: events keep going to
 * the EventStore while no response is attached, and `attach` continues it after `Last-Event-ID`.
 */
export class SseStream {
  #res: ServerResponse | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #ended = false;
  #relay: StreamRelay | undefined;

  constructor(
    readonly id: string,
    private readonly options: SseStreamOptions,
  ) {}

  get attached(): boolean {
    return this.#res !== undefined;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Starts the stream on a response, with a priming event (id, empty data, retry) when primed. */
  open(res: ServerResponse, extraHeaders: Readonly<Record<string, string>> = {}): void {
    res.writeHead(200, { ...SSE_HEADERS, ...extraHeaders });
    const priming = primingEvent(this.id, this.options.retryMs, this.options.resumable);
    if (channels.bytes.hasSubscribers) publishBytes('http', 'out', Buffer.byteLength(priming));
    res.write(priming);
    this.attach(res);
  }

  /** Continues the stream on a new response (resumption), replaying nothing itself. */
  attach(res: ServerResponse): void {
    this.#detach();
    // The client came back here: a reader on another node is superseded.
    this.relayTo(undefined);
    this.#res = res;
    res.once('close', () => {
      if (this.#res === res) this.#detach();
    });
    this.#keepAlive = setInterval(() => this.#res?.write(SSE_KEEP_ALIVE), this.options.keepAliveMs);
    this.#keepAlive.unref();
    if (channels.streamOpen.hasSubscribers) channels.streamOpen.publish(this.#streamEvent());
  }

  send(message: JsonRpcMessage): void {
    if (this.#ended) return;
    const data = encodeMessage(message);
    const resumable = this.options.resumable;
    const id = resumable
      ? resumable.store.append(resumable.sessionId, this.id, message, data.length)
      : undefined;
    this.#write(encodeSseEvent(id === undefined ? { data } : { id, data }));
    if (id !== undefined) this.#relay?.event(id, message);
  }

  /** Sends this stream's further events to another node's reader instead of the previous one. */
  relayTo(relay: StreamRelay | undefined): void {
    const previous = this.#relay;
    this.#relay = relay;
    previous?.ended();
  }

  /** Writes unless the reader is too far behind: then the response is cut, memory stays bounded. */
  #write(chunk: string): void {
    const res = this.#res;
    if (!res) return;
    if (res.writableLength > (this.options.maxBufferedBytes ?? DEFAULT_MAX_SSE_BUFFER_BYTES)) {
      this.#detach();
      res.destroy();
      return;
    }
    if (channels.bytes.hasSubscribers) publishBytes('http', 'out', Buffer.byteLength(chunk));
    res.write(chunk);
  }

  /** Writes already-stored events (replay after Last-Event-ID, or relayed from another node). */
  replay(events: readonly { id: string; message: JsonRpcMessage }[]): void {
    for (const event of events)
      this.#write(encodeSseEvent({ id: event.id, data: encodeMessage(event.message) }));
  }

  /** Closes the HTTP response but keeps the stream resumable (the 2025 "polling" pattern). */
  disconnect(): void {
    const res = this.#res;
    this.#detach();
    res?.end();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.relayTo(undefined);
    this.disconnect();
  }

  /** Ends with a reconnection hint: the node is going away, the client should come back elsewhere. */
  endWithRetry(retryMs: number): void {
    if (this.#ended) return;
    this.#res?.write(`retry: ${retryMs}\n\n`);
    this.end();
  }

  #detach(): void {
    if (this.#res === undefined) return;
    clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    this.#res = undefined;
    if (channels.streamClose.hasSubscribers) channels.streamClose.publish(this.#streamEvent());
  }

  #streamEvent(): StreamEvent {
    return { transport: 'http', sessionId: this.options.resumable?.sessionId };
  }
}

/**
 * The first event of a stream: its reconnection delay, and when primed an id to resume from. Without
 * data or id the block is not dispatched, so a client that fails on empty data never sees it.
 */
function primingEvent(streamId: string, retryMs: number, resumable: Resumable | undefined): string {
  return resumable?.primed
    ? encodeSseEvent({ id: `${streamId}.0`, retry: retryMs, data: '' })
    : `retry: ${retryMs}\n\n`;
}

/**
 * A stream that opens, carries one message and ends at once (a request answered over SSE with
 * nothing before its result): one write, no keep-alive timer, no close listener. Its event is stored
 * like any other, so a client that lost the response can still resume it after `Last-Event-ID`.
 */
export function writeWholeStream(
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
  streamId: string,
  retryMs: number,
  resumable: SseStreamOptions['resumable'],
  message: JsonRpcMessage,
): void {
  const data = encodeMessage(message);
  const id = resumable
    ? resumable.store.append(resumable.sessionId, streamId, message, data.length)
    : undefined;
  const body =
    primingEvent(streamId, retryMs, resumable) + encodeSseEvent(id === undefined ? { data } : { id, data });
  if (channels.bytes.hasSubscribers) publishBytes('http', 'out', Buffer.byteLength(body));
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  res.end(body);
}
