import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpAuth } from '../../auth/client/http-auth.js';
import type { MessageSink, Transport } from '../../core/transport.js';
import { encodeMessage } from '../../jsonrpc/encode.js';
import { ErlmcpError } from '../../jsonrpc/errors.js';
import { isPlainRecord, type JsonRpcMessage } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import type { RequestId } from '../../protocol/types.js';
import { isModernVersion } from '../../protocol/versions.js';
import { SseParser } from '../framing/sse-parser.js';
import { discardBody, type HttpAnswer, type HttpRequestInit } from './http-answer.js';
import { mcpNameSource } from './mcp-name.js';
import { RawHttpPool } from './raw-http-pool.js';
import { argumentAt, collectParamHeaders, type ParamHeader } from './x-mcp-header.js';

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

const SAFE_HEADER = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** Named limit: how long requests after `initialized` wait for the session's GET stream to open. */
export const GET_STREAM_OPEN_WAIT_MS = 2_000;

/** A header value, Base64-sentinel encoded when it cannot travel as plain ASCII (2026 rule). */
export function encodeHeaderValue(value: string): string {
  if (SAFE_HEADER.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='))) return value;
  return `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

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
  #httpSsePostUrl: URL | undefined;
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
    if (this.#httpSsePostUrl) {
      await this.#postHttpSse2024(message);
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
      const body = parseJson(text);
      if (response.ok && body !== undefined) {
        this.#deliver(body);
        return;
      }
      // An `initialize` refused without a 2026 error: maybe the old HTTP+SSE transport lives here.
      const isInitialize = 'method' in message && message.method === 'initialize';
      if (
        isInitialize &&
        [400, 404, 405].includes(response.status) &&
        !isModernError(body) &&
        (await this.#openHttpSse2024())
      ) {
        await this.#postHttpSse2024(message);
        return;
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
      const value = parseJson(event.data);
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
  async #openHttpSse2024(): Promise<boolean> {
    let response: Response;
    try {
      response = await this.#send(this.#url, {
        method: 'GET',
        headers: { accept: 'text/event-stream', ...this.options.headers },
        signal: this.#background.signal,
      });
    } catch {
      return false;
    }
    if (
      !response.ok ||
      !(response.headers.get('content-type') ?? '').includes('text/event-stream') ||
      !response.body
    ) {
      await response.body?.cancel();
      return false;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const parser = new SseParser((event) => {
        if (event.event === 'endpoint' && !settled) {
          settled = true;
          this.#httpSsePostUrl = new URL(event.data, this.#url);
          resolve(true);
        } else if ((event.event === undefined || event.event === 'message') && event.data) {
          const value = parseJson(event.data);
          if (value !== undefined) this.#deliver(value);
        }
      });
      void (async () => {
        try {
          for (;;) {
            const chunk = await reader.read();
            if (chunk.done) break;
            parser.push(chunk.value);
          }
        } catch {
          // The stream ended: the connection is gone.
        }
        if (!settled) resolve(false);
        else if (!this.#closed) void this.close();
      })();
    });
  }

  async #postHttpSse2024(message: JsonRpcMessage): Promise<void> {
    const id = 'id' in message && 'method' in message ? message.id : undefined;
    try {
      const response = await this.#send(this.#httpSsePostUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.options.headers },
        body: encodeMessage(message),
      });
      await response.body?.cancel();
      if (!response.ok && id !== undefined) this.#deliverError(id, response.status, undefined);
    } catch (error) {
      if (id !== undefined) this.#failRequest(id, error);
    }
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
        const body = parseJson(await response.text().catch(() => ''));
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
    const params =
      message && 'params' in message && isPlainRecord(message.params) ? message.params : undefined;
    const meta = params && isPlainRecord(params._meta) ? params._meta : undefined;
    const modern = meta?.[MetaKey.protocolVersion];
    if (typeof modern === 'string' && isModernVersion(modern) && message && 'method' in message) {
      headers['mcp-protocol-version'] = modern;
      headers['mcp-method'] = message.method;
      const field = mcpNameSource(message.method);
      const name = field ? params?.[field] : undefined;
      if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
      if (message.method === 'tools/call' && typeof name === 'string') {
        for (const param of this.#toolHeaders.get(name) ?? []) {
          const value = argumentAt(params?.arguments, param.path);
          if (value === undefined || value === null) continue;
          headers[`mcp-param-${param.name}`] = encodeHeaderValue(
            typeof value === 'string' ? value : String(value),
          );
        }
      }
    } else if (this.#legacyVersion !== undefined) {
      headers['mcp-protocol-version'] = this.#legacyVersion;
    }
    if (meta !== undefined) copyTraceContext(meta, headers);
    return headers;
  }

  #deliver(value: unknown): void {
    for (const message of Array.isArray(value) ? value : [value]) {
      if (isPlainRecord(message) && isPlainRecord(message.result) && Array.isArray(message.result.tools)) {
        message.result.tools = this.#screenTools(message.result.tools);
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

  /**
   * Tools whose `x-mcp-header` annotations are invalid are left out of tools/list (the spec's MUST for
   * HTTP clients); the others' annotated arguments are remembered for header mirroring.
   */
  #screenTools(tools: unknown[]): unknown[] {
    return tools.filter((tool) => {
      if (!isPlainRecord(tool) || typeof tool.name !== 'string' || !isPlainRecord(tool.inputSchema))
        return true;
      const { headers, problems } = collectParamHeaders(tool.inputSchema);
      if (problems.length > 0) {
        this.#toolHeaders.delete(tool.name);
        (this.options.onDiagnostic ?? process.emitWarning)(
          `MCP tool "${tool.name}" left out: ${problems.join('; ')}`,
        );
        return false;
      }
      this.#toolHeaders.set(tool.name, headers);
      return true;
    });
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

const TRACE_KEYS = [MetaKey.traceparent, MetaKey.tracestate, MetaKey.baggage] as const;

/** W3C trace context in `_meta` travels as HTTP headers too, for HTTP-level tracing on the way. */
function copyTraceContext(meta: Record<string, unknown>, headers: Record<string, string>): void {
  for (const key of TRACE_KEYS) {
    const value = meta[key];
    if (typeof value === 'string' && SAFE_HEADER.test(value)) headers[key] = value;
  }
}

/** A 2026 server answers a refused request with one of these: then it is not a legacy server. */
function isModernError(body: unknown): boolean {
  const code = isPlainRecord(body) && isPlainRecord(body.error) ? body.error.code : undefined;
  return code === -32020 || code === -32021 || code === -32022 || code === -32601;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
