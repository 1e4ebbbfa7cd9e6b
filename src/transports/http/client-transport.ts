import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpAuth } from '../../auth/client/http-auth.js';
import type { MessageSink, Transport } from '../../core/transport.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import { isPlainRecord, type JsonRpcMessage } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { RequestId } from '../../protocol/types.js';
import { SseParser } from '../framing/sse-parser.js';
import { mirrorModernHeaders, screenTools } from './client-headers.js';
import { discardBody, type HttpAnswer, type HttpRequestInit, parseJsonText } from './http-answer.js';
import { HttpSse2024Channel } from './http-sse-2024-client.js';
import { RawHttpPool } from './raw-http-pool.js';
import type { ParamHeader } from './x-mcp-header.js';

export { encodeHeaderValue } from './client-headers.js';

export interface StreamableHttpClientOptions {
  /** Extra headers on every request (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Injectable fetch (tests, proxies, auth middleware). Default: global fetch. */
  fetch?: typeof fetch;
  /**
   * Authenticates every request (POST, the GET stream, DELETE, the 2024-11-05 HTTP+SSE fallback):
   * an `OAuthClient` from `erlmcp/auth`, or any `HttpAuth`. A 401 or 403 is handed to it, and the
   * request is sent again when it says so, in the same session.
   */
  auth?: HttpAuth;
  /** Resumption attempts of a broken 2025 SSE stream before giving up. Default 3. */
  maxReconnects?: number;
  /** Where warnings go (a tool left out for invalid `x-mcp-header`). Default: `process.emitWarning`. */
  onDiagnostic?: (message: string) => void;
  /**
   * 2026: the `x-mcp-header` arguments per tool name, learnt from tools/list. Pass one map to every
   * transport of a pool to the same server: a call on any of them mirrors what one of them listed.
   */
  toolHeaders?: Map<string, ParamHeader[]>;
}

/** Named limit: how long requests after `initialized` wait for the session's GET stream to open. */
export const GET_STREAM_OPEN_WAIT_MS = 2_000;

/**
 * Client side of Streamable HTTP for both eras: every message is a POST; answers come as JSON or an
 * SSE stream. 2025: keeps `Mcp-Session-Id`, opens the GET stream after `initialized`, resumes broken
 * streams with `Last-Event-ID` honouring `retry`, DELETEs the session on close. 2026: mirrors the
 * request headers, and cancels by aborting the request's stream.
 */
export class StreamableHttpClientTransport implements Transport {
  readonly #url: URL;
  readonly #fetch: typeof fetch;
  /** POSTs go through these keep-alive sockets unless a `fetch` or `auth` was given (raw-http-pool.ts). */
  readonly #agent: RawHttpPool | undefined;
  #sink: MessageSink | undefined;
  #sessionExpired = false;
  #sessionId: string | undefined;
  #legacyVersion: string | undefined;
  #closed = false;
  readonly #inFlight = new Map<RequestId, AbortController>();
  readonly #background = new AbortController();
  /** Set once the server turned out to speak only the 2024-11-05 HTTP+SSE transport. */
  /** Set once the server turned out to speak the 2024-11-05 HTTP+SSE transport. */
  #httpSse: HttpSse2024Channel | undefined;
  /** 2026: the `x-mcp-header` arguments of each listed tool, mirrored on tools/call. */
  readonly #toolHeaders: Map<string, ParamHeader[]>;
  /**
   * 2025: settles once `initialized` was delivered and the GET stream is open (or refused, or
   * GET_STREAM_OPEN_WAIT_MS passed). Later POSTs wait for it: a server may send requests on that
   * stream as soon as a tool runs, and servers drop messages no open stream can carry.
   */
  #streamOpened: Promise<void> | undefined;

  constructor(
    url: string | URL,
    private readonly options: StreamableHttpClientOptions = {},
  ) {
    this.#url = new URL(url);
    this.#fetch = options.fetch ?? fetch;
    this.#agent = options.fetch || options.auth ? undefined : new RawHttpPool(this.#url);
    this.#toolHeaders = options.toolHeaders ?? new Map();
  }

  get serverKey(): string {
    return `http:${this.#url.origin}${this.#url.pathname}`;
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The server answered 404 for this transport's 2025 session: it is gone, a new one must be initialized. */
  get sessionExpired(): boolean {
    return this.#sessionExpired;
  }

  start(sink: MessageSink): void {
    this.#sink = sink;
  }

  send(message: JsonRpcMessage): void {
    if (this.#closed) throw new ErlmcpError('ERR_CONNECTION_CLOSED', 'HTTP transport is closed');
    // 2026 has no cancellation message on HTTP: closing the request's stream is the cancellation.
    if ('method' in message && message.method === 'notifications/cancelled' && !('id' in message)) {
      const id = message.params?.requestId as RequestId | undefined;
      const pending = id === undefined ? undefined : this.#inFlight.get(id);
      if (pending && this.#sessionId === undefined) {
        pending.abort();
        return;
      }
    }
    if ('method' in message && message.method === 'notifications/initialized') {
      this.#streamOpened = this.#post(message);
      return;
    }
    void this.#post(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#background.abort();
    for (const controller of this.#inFlight.values()) controller.abort();
    if (this.#sessionId !== undefined) {
      await this.#send(this.#url, { method: 'DELETE', headers: this.#headers(undefined) }).then(
        (response) => response.body?.cancel(),
        () => {},
      );
    }
    this.#agent?.close();
    this.#sink?.onClose();
  }

  async #post(message: JsonRpcMessage): Promise<void> {
    if (this.#httpSse) {
      await this.#httpSse.post(message);
      return;
    }
    if (
      this.#streamOpened !== undefined &&
      !('method' in message && message.method === 'notifications/initialized')
    )
      await this.#streamOpened;
    const id = 'id' in message && 'method' in message ? message.id : undefined;
    const controller = new AbortController();
    if (id !== undefined) this.#inFlight.set(id, controller);
    try {
      const response = await this.#request({
        method: 'POST',
        headers: this.#headers(message),
        body: encodeMessage(message),
        signal: controller.signal,
      });
      const session = response.headers.get('mcp-session-id');
      if (session) this.#sessionId = session;
      if (response.status === 202) {
        await discardBody(response);
        if ('method' in message && message.method === 'notifications/initialized') {
          const opened = this.#requestGetStream(undefined).then((stream) => {
            if (stream) void this.#readStream(stream, undefined, 0);
          });
          // Bounded: a server that never answers the GET must not hold the session's requests back.
          await Promise.race([opened, sleep(GET_STREAM_OPEN_WAIT_MS, undefined, { ref: false })]);
        }
        return;
      }
      const type = response.headers.get('content-type') ?? '';
      if (response.ok && type.includes('text/event-stream')) {
        await this.#readStream(response, id, 0);
        return;
      }
      const text = await response.text();
      const body = parseJsonText(text);
      if (response.ok && body !== undefined) {
        this.#deliver(body);
        return;
      }
      // An `initialize` refused without a 2026 error: maybe the old HTTP+SSE transport lives here.
      const isInitialize = 'method' in message && message.method === 'initialize';
      if (isInitialize && [400, 404, 405].includes(response.status) && !isModernError(body)) {
        const channel = await this.#openHttpSse2024();
        if (channel) {
          await channel.post(message);
          return;
        }
      }
      if (id !== undefined) this.#deliverError(id, response.status, body);
    } catch (error) {
      if (id !== undefined && !controller.signal.aborted) this.#failRequest(id, error);
    } finally {
      if (id !== undefined) this.#inFlight.delete(id);
    }
  }

  /** Reads one SSE response; a 2025 stream that breaks before its answer is resumed with Last-Event-ID. */
  async #readStream(response: HttpAnswer, requestId: RequestId | undefined, attempt: number): Promise<void> {
    let lastEventId: string | undefined;
    let retryMs = 1000;
    let answered = false;
    const parser = new SseParser((event) => {
      if (event.id !== undefined) lastEventId = event.id;
      if (event.retry !== undefined) retryMs = event.retry;
      if (!event.data) return;
      const value = parseJsonText(event.data);
      if (value === undefined) return;
      if (isPlainRecord(value) && requestId !== undefined && value.id === requestId && !('method' in value))
        answered = true;
      this.#deliver(value);
    });
    try {
      const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        parser.push(chunk.value);
      }
    } catch {
      // A broken stream is handled like an ended one below.
    }
    parser.end();
    if (answered || this.#closed || requestId === undefined) return;
    if (
      this.#sessionId !== undefined &&
      lastEventId !== undefined &&
      attempt < (this.options.maxReconnects ?? 3)
    ) {
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      await this.#openGetStream(lastEventId, attempt + 1, requestId);
      return;
    }
    this.#sink?.onMessage({
      jsonrpc: '2.0',
      id: requestId,
      error: {
        code: ErrorCode.InternalError,
        message: 'The server closed the response stream before answering',
      },
    });
  }

  /**
   * 2024-11-05 HTTP+SSE: GET the URL as an SSE stream whose first `endpoint` event names where to POST;
   * every answer then arrives on that stream. Resolves false when the URL is not such an endpoint.
   */
  /** Falls back to the 2024-11-05 HTTP+SSE transport when this URL serves its SSE endpoint. */
  async #openHttpSse2024(): Promise<HttpSse2024Channel | undefined> {
    const channel = new HttpSse2024Channel({
      url: this.#url,
      signal: this.#background.signal,
      headers: this.options.headers,
      send: (url, init) => this.#send(url, init),
      deliver: (value) => this.#deliver(value),
      deliverError: (id, status) => this.#deliverError(id, status, undefined),
      failRequest: (id, error) => this.#failRequest(id, error),
      ended: () => {
        if (!this.#closed) void this.close();
      },
    });
    if (!(await channel.connect())) return undefined;
    this.#httpSse = channel;
    return channel;
  }

  /** The 2025 GET stream: server messages outside requests, or the resumption of a broken stream. */
  async #openGetStream(
    lastEventId: string | undefined,
    attempt: number,
    requestId?: RequestId,
  ): Promise<void> {
    const response = await this.#requestGetStream(lastEventId, requestId);
    if (response) await this.#readStream(response, requestId, attempt);
  }

  /** GETs the session's SSE stream: the response once the server answered with one, else undefined. */
  async #requestGetStream(
    lastEventId: string | undefined,
    requestId?: RequestId,
  ): Promise<Response | undefined> {
    if (this.#closed || this.#sessionId === undefined) return undefined;
    const headers = { ...this.#headers(undefined), accept: 'text/event-stream' } as Record<string, string>;
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    let response: Response;
    try {
      response = await this.#send(this.#url, { method: 'GET', headers, signal: this.#background.signal });
    } catch {
      return undefined;
    }
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      if (requestId === undefined) await response.body?.cancel();
      else {
        // The server's own reason (say, events it no longer keeps) tells the caller more than a status.
        const body = parseJsonText(await response.text().catch(() => ''));
        this.#deliverError(requestId, response.status, body);
      }
      return undefined;
    }
    return response;
  }

  /** A POST to the endpoint: node:http on the keep-alive agent, or fetch (`fetch` or `auth` given). */
  #request(init: HttpRequestInit): Promise<HttpAnswer> {
    return this.#agent ? this.#agent.request(init) : this.#send(this.#url, init);
  }

  /**
   * One HTTP request, authenticated when `auth` is set: its headers are added, and a 401 or 403 it
   * can fix (discovery, authorization, step-up, refresh) is followed by the same request again.
   */
  async #send(url: URL, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const auth = this.options.auth;
    if (!auth) return this.#fetch(url, init);
    const request = { method: init.method ?? 'GET', url, endpoint: this.#url };
    for (let attempt = 0; ; attempt++) {
      const headers = { ...init.headers, ...(await auth.headers(request)) };
      const response = await this.#fetch(url, { ...init, headers });
      if (response.status !== 401 && response.status !== 403) return response;
      if (!(await auth.refused(request, response, attempt))) return response;
      await response.body?.cancel();
    }
  }

  #headers(message: JsonRpcMessage | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...this.options.headers,
    };
    if (this.#sessionId !== undefined) headers['mcp-session-id'] = this.#sessionId;
    if (!mirrorModernHeaders(message, this.#toolHeaders, headers) && this.#legacyVersion !== undefined)
      headers['mcp-protocol-version'] = this.#legacyVersion;
    return headers;
  }

  #deliver(value: unknown): void {
    for (const message of Array.isArray(value) ? value : [value]) {
      if (isPlainRecord(message) && isPlainRecord(message.result) && Array.isArray(message.result.tools)) {
        message.result.tools = screenTools(
          message.result.tools,
          this.#toolHeaders,
          this.options.onDiagnostic ?? process.emitWarning,
        );
      }
      // Learn the negotiated 2025 revision from the initialize result, for the version header.
      if (
        isPlainRecord(message) &&
        isPlainRecord(message.result) &&
        typeof message.result.protocolVersion === 'string' &&
        isPlainRecord(message.result.serverInfo)
      ) {
        this.#legacyVersion = message.result.protocolVersion;
      }
      this.#sink?.onMessage(message);
    }
  }

  /** The request never got an HTTP answer (network failure): its caller gets an error, not a hang. */
  #failRequest(id: RequestId, error: unknown): void {
    const message = `HTTP request failed: ${(error as Error).message}`;
    if (this.#sink?.onRequestFailed) {
      // A local failure the client can tell from a server's error (its circuit breaker counts it).
      this.#sink.onRequestFailed(
        id,
        error instanceof ErlmcpError
          ? error
          : new ErlmcpError('ERR_CONNECTION_CLOSED', message, { cause: error }),
      );
      return;
    }
    this.#sink?.onMessage({
      jsonrpc: '2.0',
      id,
      error: {
        code: ErrorCode.InternalError,
        message,
        data: { code: error instanceof ErlmcpError ? error.code : 'ERR_CONNECTION_CLOSED' },
      },
    });
  }

  /**
   * An HTTP error becomes the request's JSON-RPC error: the server's own if it sent one. Only a 404
   * ends the session (the spec's rule: a request that carried `Mcp-Session-Id` and got 404 must
   * start a new session), whatever the body: servers, erlmcp's included, say "Session not found" in
   * a JSON-RPC error. A 2026 request carries no session id, so its 404 (unknown method) never ends
   * one. Any other failed resumption (400 for events the server no longer keeps) loses the stream,
   * not the session.
   */
  #deliverError(id: RequestId, status: number, body: unknown): void {
    const error =
      isPlainRecord(body) && isPlainRecord(body.error) && typeof body.error.code === 'number'
        ? body.error
        : undefined;
    if (status === 404 && this.#sessionId !== undefined) {
      this.#sessionId = undefined;
      this.#sessionExpired = true;
    }
    this.#sink?.onMessage({
      jsonrpc: '2.0',
      id,
      error: error ?? { code: ErrorCode.InternalError, message: `HTTP ${status} from the MCP server` },
    });
  }
}

/** A 2026 server answers a refused request with one of these: then it is not a legacy server. */
function isModernError(body: unknown): boolean {
  const code = isPlainRecord(body) && isPlainRecord(body.error) ? body.error.code : undefined;
  return code === -32020 || code === -32021 || code === -32022 || code === -32601;
}
