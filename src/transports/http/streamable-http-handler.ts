import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidParams, type McpError } from '../../jsonrpc/errors.js';
import { LazyAbort } from '../../jsonrpc/lazy-abort.js';
import {
  classify,
  errorResponse,
  isPlainRecord,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  resultResponse,
} from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { MetaKey } from '../../protocol/meta-keys.js';
import type { ClientCapabilities, Implementation, RequestId } from '../../protocol/types.js';
import {
  isLegacyVersion,
  isModernVersion,
  isSupportedVersion,
  negotiateLegacyVersion,
} from '../../protocol/versions.js';
import type { PeerLink } from '../../server/exchange.js';
import { initializeResult } from '../../server/handlers/lifecycle.js';
import type { McpServer } from '../../server/mcp-server.js';
import { RequestCancelled, runRequest } from '../../server/request-runner.js';
import { MemoryEventStore } from './event-store.js';
import { sendError, sendJson } from './http-responses.js';
import { HttpSession } from './http-session.js';
import { checkModernHeaders } from './modern-headers.js';
import { HTTP_DEFAULTS, type HttpTransportOptions, isAllowedHost, isAllowedOrigin } from './options.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { RequestResponder } from './request-responder.js';
import { SseStream } from './sse-stream.js';

export type HttpHandler = ((
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody?: unknown,
) => Promise<void>) & {
  /** Ends every session and stream; idempotent. */
  close(): Promise<void>;
};

/**
 * The Streamable HTTP endpoint for both eras, on plain `node:http` objects (the fast path):
 * 2026 requests are served statelessly; `initialize` opens a 2025 session (`Mcp-Session-Id`) with its
 * GET stream, DELETE, and `Last-Event-ID` resumption.
 */
export function createStreamableHttpHandler(
  server: McpServer,
  options: HttpTransportOptions = {},
): HttpHandler {
  const core = server.core;
  const sessions = new Map<string, HttpSession>();
  const store = options.eventStore ?? new MemoryEventStore();
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes;
  const retryMs = options.retryMs ?? HTTP_DEFAULTS.retryMs;
  const streamLimits = {
    keepAliveMs: options.keepAliveMs ?? HTTP_DEFAULTS.keepAliveMs,
    retryMs,
    ...(options.maxSseBufferBytes ? { maxBufferedBytes: options.maxSseBufferBytes } : {}),
  };
  const responseMode = options.responseMode ?? 'auto';
  const idleMs = options.sessionIdleMs ?? HTTP_DEFAULTS.sessionIdleMs;
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const session of sessions.values())
        if (session.idleFor(now) > idleMs) endSession(session, 'idle timeout');
    },
    Math.min(idleMs, 60_000),
  );
  sweeper.unref();

  function endSession(session: HttpSession, reason: string): void {
    sessions.delete(session.id);
    core.sessions.delete(session.handle);
    session.close(reason);
    store.forget(session.id);
  }

  const handler = (async (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => {
    if (!isAllowedHost(req.headers.host, options.allowedHosts)) {
      sendError(res, 403, ErrorCode.InvalidRequest, 'Forbidden: Host not allowed');
      return;
    }
    if (!isAllowedOrigin(req.headers.origin, options.allowedOrigins)) {
      sendError(res, 403, ErrorCode.InvalidRequest, 'Forbidden: Origin not allowed');
      return;
    }
    switch (req.method) {
      case 'POST':
        return handlePost(req, res, parsedBody);
      case 'GET':
        return handleGet(req, res);
      case 'DELETE':
        return handleDelete(req, res);
      default:
        res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    }
  }) as HttpHandler;

  handler.close = async () => {
    clearInterval(sweeper);
    for (const session of [...sessions.values()]) endSession(session, 'server closing');
  };

  async function handlePost(req: IncomingMessage, res: ServerResponse, parsedBody: unknown): Promise<void> {
    const accept = String(req.headers.accept ?? '');
    if (!acceptsBoth(accept)) {
      sendError(
        res,
        406,
        ErrorCode.InvalidRequest,
        'Not Acceptable: Accept must list application/json and text/event-stream',
      );
      return;
    }
    if (
      parsedBody === undefined &&
      !String(req.headers['content-type'] ?? '')
        .toLowerCase()
        .startsWith('application/json')
    ) {
      sendError(
        res,
        415,
        ErrorCode.InvalidRequest,
        'Unsupported Media Type: Content-Type must be application/json',
      );
      return;
    }
    let value = parsedBody;
    if (value === undefined) {
      let body: Buffer;
      try {
        body = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          sendError(res, 413, ErrorCode.InvalidRequest, `Payload Too Large: ${error.message}`);
        else sendError(res, 400, ErrorCode.ParseError, 'Parse error: could not read the body');
        return;
      }
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        sendError(res, 400, ErrorCode.ParseError, 'Parse error: body is not valid JSON');
        return;
      }
    }
    if (Array.isArray(value)) {
      // Only 2025-03-26 had JSON-RPC batching; later revisions dropped it.
      const session = sessions.get(header(req, 'mcp-session-id') ?? '');
      if (!session || session.record.protocolVersion !== '2025-03-26' || value.length === 0) {
        sendError(
          res,
          400,
          ErrorCode.InvalidRequest,
          'Invalid Request: JSON-RPC batches exist only in 2025-03-26 sessions',
        );
        return;
      }
      await handleBatch(session, res, value);
      return;
    }
    const message = classify(value);
    if (message.kind === 'invalid') {
      sendError(res, 400, ErrorCode.InvalidRequest, `Invalid Request: ${message.reason}`, message.id);
      return;
    }
    if (isModernMessage(req, message.message)) {
      await handleModern(req, res, message.message);
      return;
    }
    await handleLegacy(req, res, message.message);
  }

  // --- 2026 ---------------------------------------------------------------------------------------

  async function handleModern(
    req: IncomingMessage,
    res: ServerResponse,
    message: JsonRpcMessage,
  ): Promise<void> {
    if (!('method' in message)) {
      sendError(
        res,
        400,
        ErrorCode.InvalidRequest,
        'Invalid Request: the 2026 HTTP binding takes no client responses',
      );
      return;
    }
    if (!('id' in message)) {
      res.writeHead(202).end();
      return;
    }
    const request = message as JsonRpcRequest;
    try {
      checkModernHeaders(core, req.headers, request.method, request.params ?? {});
    } catch (error) {
      sendError(res, 400, (error as McpError).code, (error as McpError).message, request.id);
      return;
    }
    const abort = new LazyAbort();
    const responder = new RequestResponder(
      res,
      'auto',
      () => new SseStream(randomUUID(), streamLimits),
      {},
      true,
    );
    // Closing the stream (or the connection) cancels the request.
    res.once('close', () => {
      if (!responder.done) abort.abort(new RequestCancelled('client closed the stream'));
    });
    const link: PeerLink = {
      notify: (notification) => responder.send(notification),
      request: () => Promise.reject(invalidParams('2026 requests ask for input with InputRequiredResult')),
    };
    const response = await runRequest(
      core,
      request,
      { link, session: undefined, principal: undefined },
      abort,
    );
    if (response) responder.finish(response);
    else if (!res.writableEnded) res.end();
  }

  // --- 2025 ---------------------------------------------------------------------------------------

  async function handleLegacy(
    req: IncomingMessage,
    res: ServerResponse,
    message: JsonRpcMessage,
  ): Promise<void> {
    const sessionHeader = header(req, 'mcp-session-id');
    if ('method' in message && message.method === 'initialize' && 'id' in message) {
      if (sessionHeader !== undefined) {
        sendError(
          res,
          400,
          ErrorCode.InvalidRequest,
          'Invalid Request: initialize must not carry Mcp-Session-Id',
          message.id,
        );
        return;
      }
      initialize(res, message as JsonRpcRequest);
      return;
    }
    if (sessionHeader === undefined) {
      sendError(res, 400, ErrorCode.InvalidRequest, 'Bad Request: Mcp-Session-Id header is required');
      return;
    }
    const session = sessions.get(sessionHeader);
    if (!session) {
      sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
      return;
    }
    const version = header(req, 'mcp-protocol-version');
    if (version !== undefined && !isSupportedVersion(version)) {
      sendError(
        res,
        400,
        ErrorCode.InvalidRequest,
        `Bad Request: unsupported MCP-Protocol-Version ${version}`,
      );
      return;
    }
    session.touch();
    if (!('method' in message)) {
      session.outbound.resolve(message);
      res.writeHead(202).end();
      return;
    }
    if (!('id' in message)) {
      onLegacyNotification(session, message);
      res.writeHead(202).end();
      return;
    }
    await runLegacyRequest(session, res, message as JsonRpcRequest);
  }

  /** A 2025-03-26 batch: each member handled as if POSTed alone; the responses return as one JSON array. */
  async function handleBatch(session: HttpSession, res: ServerResponse, batch: unknown[]): Promise<void> {
    session.touch();
    // Batched requests answer as JSON, so their related messages go to the session's GET stream.
    const link: PeerLink = {
      notify: (notification) => session.standalone?.send(notification),
      request: (method, params, options) => {
        const stream = session.standalone;
        if (!stream?.attached)
          return Promise.reject(invalidParams(`${method} needs the session's GET stream open`));
        const id = session.outbound.nextId();
        const answer = session.outbound.track(id, { timeoutMs: options.timeoutMs, signal: options.signal });
        stream.send({ jsonrpc: '2.0', id, method, params });
        return answer;
      },
    };
    const pending: Promise<JsonRpcMessage | undefined>[] = [];
    for (const item of batch) {
      const message = classify(item);
      if (message.kind === 'invalid') {
        pending.push(
          Promise.resolve(
            errorResponse(message.id, {
              code: ErrorCode.InvalidRequest,
              message: `Invalid Request: ${message.reason}`,
            }),
          ),
        );
      } else if (message.kind === 'response') session.outbound.resolve(message.message);
      else if (message.kind === 'notification') onLegacyNotification(session, message.message);
      else {
        const abort = new LazyAbort();
        session.inFlight.set(message.message.id, abort);
        pending.push(
          runRequest(
            core,
            message.message,
            { link, session: session.record, principal: undefined },
            abort,
          ).finally(() => session.inFlight.delete(message.message.id)),
        );
      }
    }
    const responses = (await Promise.all(pending)).filter((response) => response !== undefined);
    if (responses.length === 0) res.writeHead(202).end();
    else sendJson(res, 200, responses);
  }

  function initialize(res: ServerResponse, request: JsonRpcRequest): void {
    const params = request.params ?? {};
    if (
      typeof params.protocolVersion !== 'string' ||
      !isPlainRecord(params.capabilities) ||
      !isPlainRecord(params.clientInfo)
    ) {
      sendJson(
        res,
        200,
        errorResponse(
          request.id,
          invalidParams('initialize needs protocolVersion, capabilities and clientInfo').toJson(),
        ),
      );
      return;
    }
    const protocolVersion = negotiateLegacyVersion(params.protocolVersion);
    const session = new HttpSession({
      id: randomUUID(),
      protocolVersion,
      clientInfo: params.clientInfo as unknown as Implementation,
      clientCapabilities: params.capabilities as ClientCapabilities,
      logLevel: undefined,
      initialized: false,
      subscriptions: new Set(),
    });
    sessions.set(session.id, session);
    core.sessions.add(session.handle);
    sendJson(res, 200, resultResponse(request.id, initializeResult(core, protocolVersion)), {
      'mcp-session-id': session.id,
    });
  }

  function onLegacyNotification(session: HttpSession, message: JsonRpcNotification): void {
    if (message.method === 'notifications/initialized') session.record.initialized = true;
    if (message.method === 'notifications/cancelled') {
      const id = message.params?.requestId as RequestId | undefined;
      if (id !== undefined) session.inFlight.get(id)?.abort(new RequestCancelled('cancelled by the client'));
    }
  }

  async function runLegacyRequest(
    session: HttpSession,
    res: ServerResponse,
    request: JsonRpcRequest,
  ): Promise<void> {
    if (session.inFlight.has(request.id)) {
      sendJson(
        res,
        200,
        errorResponse(request.id, {
          code: ErrorCode.InvalidRequest,
          message: `Request id ${String(request.id)} is already in flight`,
        }),
      );
      return;
    }
    const abort = new LazyAbort();
    session.inFlight.set(request.id, abort);
    const responder = new RequestResponder(res, responseMode, () => {
      const stream = new SseStream(session.nextStreamId(), {
        ...streamLimits,
        resumable: { store, sessionId: session.id },
      });
      session.streams.set(stream.id, stream);
      return stream;
    });
    const link: PeerLink = {
      notify: (notification, relatedTo) =>
        relatedTo === undefined ? session.standalone?.send(notification) : responder.send(notification),
      request: (method, params, options) => {
        const id = session.outbound.nextId();
        const answer = session.outbound.track(id, {
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          onCancel: (reason) =>
            responder.send({
              jsonrpc: '2.0',
              method: 'notifications/cancelled',
              params: { requestId: id, reason: String(reason) },
            }),
        });
        responder.send({ jsonrpc: '2.0', id, method, params });
        return answer;
      },
      closeStream: () => responder.disconnect(),
    };
    try {
      const response = await runRequest(
        core,
        request,
        { link, session: session.record, principal: undefined },
        abort,
      );
      if (response) responder.finish(response);
      else if (!res.headersSent) res.writeHead(204).end();
    } finally {
      session.inFlight.delete(request.id);
      if (responder.stream) session.streams.delete(responder.stream.id);
      session.touch();
    }
  }

  async function handleGet(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
      sendError(res, 406, ErrorCode.InvalidRequest, 'Not Acceptable: GET needs Accept: text/event-stream');
      return;
    }
    const sessionHeader = header(req, 'mcp-session-id');
    // A 2026 server has no GET stream; 2025 clients reach it with their session id.
    if (sessionHeader === undefined) {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const session = sessions.get(sessionHeader);
    if (!session) {
      sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
      return;
    }
    session.touch();
    const lastEventId = header(req, 'last-event-id');
    if (lastEventId !== undefined) {
      const replay = store.replay(session.id, lastEventId);
      if (!replay) {
        sendError(res, 404, ErrorCode.InvalidRequest, 'Unknown Last-Event-ID for this session');
        return;
      }
      const live =
        session.streams.get(replay.streamId) ??
        (session.standalone?.id === replay.streamId ? session.standalone : undefined);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      if (live && !live.ended) {
        live.attach(res);
        live.replay(replay.events);
      } else {
        const finished = new SseStream(replay.streamId, streamLimits);
        finished.attach(res);
        finished.replay(replay.events);
        finished.end();
      }
      return;
    }
    if (session.standalone?.attached) {
      sendError(
        res,
        409,
        ErrorCode.InvalidRequest,
        'Conflict: a GET stream is already open for this session',
      );
      return;
    }
    const stream = new SseStream(session.nextStreamId(), {
      ...streamLimits,
      resumable: { store, sessionId: session.id },
    });
    session.standalone = stream;
    stream.open(res);
  }

  async function handleDelete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionHeader = header(req, 'mcp-session-id');
    if (sessionHeader === undefined) {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const session = sessions.get(sessionHeader);
    if (!session) {
      sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
      return;
    }
    endSession(session, 'session deleted by the client');
    res.writeHead(200).end();
  }

  return handler;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function acceptsBoth(accept: string): boolean {
  const lower = accept.toLowerCase();
  if (lower.includes('*/*')) return true;
  return lower.includes('application/json') && lower.includes('text/event-stream');
}

/** 2026 when the body carries the `_meta` envelope or the header names a 2026 revision. */
function isModernMessage(req: IncomingMessage, message: JsonRpcMessage): boolean {
  const headerVersion = header(req, 'mcp-protocol-version');
  if (headerVersion !== undefined && isModernVersion(headerVersion)) return true;
  if (headerVersion !== undefined && isLegacyVersion(headerVersion)) return false;
  const params = 'params' in message ? message.params : undefined;
  const meta = params && isPlainRecord(params._meta) ? params._meta : undefined;
  return meta?.[MetaKey.protocolVersion] !== undefined;
}
