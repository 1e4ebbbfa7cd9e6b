import type { ServerResponse } from 'node:http';
import type { JsonRpcMessage, JsonRpcResponse } from '../../jsonrpc/message.js';
import { sendJson, statusForError } from './http-responses.js';
import type { SseStream } from './sse-stream.js';

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export type ResponseMode = 'auto' | 'json' | 'sse';

/** Where a response's SSE stream comes from, when it needs one. */
export interface StreamOpener {
  openStream(): SseStream;
  /** Answers with a stream holding only `message` (`writeWholeStream`), when nothing came before it. */
  writeWhole(res: ServerResponse, headers: Readonly<Record<string, string>>, message: JsonRpcMessage): void;
}

/**
 * Answers one POSTed request: as JSON, or as an SSE stream opened when the first related message
 * (progress, log, a server→client request) arrives before the result (`auto`).
 */
export class RequestResponder {
  #stream: SseStream | undefined;
  #done = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly mode: ResponseMode,
    private readonly streams: StreamOpener,
    private readonly headers: Readonly<Record<string, string>> = NO_HEADERS,
    /** 2026 maps JSON-RPC errors to HTTP statuses; 2025 answers 200. */
    private readonly mapErrorStatus = false,
  ) {}

  get stream(): SseStream | undefined {
    return this.#stream;
  }

  get done(): boolean {
    return this.#done;
  }

  send(message: JsonRpcMessage): void {
    if (this.#done) return;
    if (!this.#stream) {
      // JSON mode has nowhere to put messages before the response: they are dropped.
      if (this.mode === 'json') return;
      this.#openStream();
    }
    this.#stream?.send(message);
  }

  finish(response: JsonRpcResponse): void {
    if (this.#done) return;
    this.#done = true;
    if (!this.#stream && this.mode === 'sse') {
      this.streams.writeWhole(this.res, this.headers, response);
      return;
    }
    if (this.#stream) {
      this.#stream.send(response);
      this.#stream.end();
      return;
    }
    const status =
      this.mapErrorStatus && 'error' in response
        ? statusForError(response.error.code, response.error.data)
        : 200;
    sendJson(this.res, status, response, this.headers);
  }

  /** Ends the HTTP response without ending the stream (a resumable stream continues on GET). */
  disconnect(): void {
    this.#stream?.disconnect();
  }

  #openStream(): void {
    this.#stream = this.streams.openStream();
    this.#stream.open(this.res, this.headers);
  }
}
