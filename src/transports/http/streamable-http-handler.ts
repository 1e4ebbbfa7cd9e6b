import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidParams, type McpError } from '../../jsonrpc/errors.js';
import { LazyAbort } from '../../jsonrpc/lazy-abort.js';
import { classify, type JsonRpcMessage, type JsonRpcRequest } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { PeerLink } from '../../server/exchange.js';
import type { McpServer } from '../../server/mcp-server.js';
import { RequestCancelled, runRequest } from '../../server/request-runner.js';
import { sendError, sendRefusal } from './http-responses.js';
import { createLegacyEndpoint } from './legacy-endpoint.js';
import { checkModernHeaders } from './modern-headers.js';
import { HTTP_DEFAULTS, type HttpTransportOptions, isAllowedHost, isAllowedOrigin } from './options.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { acceptsBoth, clientIp, header, isModernMessage, requestPrincipal } from './request-headers.js';
import { RequestResponder } from './request-responder.js';
import { SseStream } from './sse-stream.js';

export type HttpHandler = ((
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody?: unknown,
) => Promise<void>) & {
  /** Ends every session and stream (with a reconnection hint when draining); idempotent. */
  close(): Promise<void>;
};

/**
 * The Streamable HTTP endpoint for both eras, on plain `node:http` objects (the fast path):
 * 2026 requests are served statelessly; `initialize` opens a 2025 session (`Mcp-Session-Id`) with its
 * GET stream, DELETE, and `Last-Event-ID` resumption.
 */ export function createStreamableHttpHandler(
  server: McpServer,
  options: HttpTransportOptions = {},
): HttpHandler {
  const core = server.core;
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes;
  const streamLimits = {
    keepAliveMs: options.keepAliveMs ?? HTTP_DEFAULTS.keepAliveMs,
    retryMs: options.retryMs ?? HTTP_DEFAULTS.retryMs,
    ...(options.maxSseBufferBytes ? { maxBufferedBytes: options.maxSseBufferBytes } : {}),
  };
  const legacy = createLegacyEndpoint(core, options, streamLimits);

  const handler = (async (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => {
    if (!isAllowedHost(req.headers.host, options.allowedHosts)) {
      sendError(res, 403, ErrorCode.InvalidRequest, 'Forbidden: Host not allowed');
      return;
    }
    if (!isAllowedOrigin(req.headers.origin, options.allowedOrigins)) {
      sendError(res, 403, ErrorCode.InvalidRequest, 'Forbidden: Origin not allowed');
      return;
    }
    const sessionId = options.routeSession && header(req, 'mcp-session-id');
    if (sessionId && options.routeSession?.(sessionId, req, res, parsedBody)) return;
    switch (req.method) {
      case 'POST':
        return handlePost(req, res, parsedBody);
      case 'GET':
        return legacy.get(req, res);
      case 'DELETE':
        return legacy.delete(req, res);
      default:
        res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    }
  }) as HttpHandler;

  core.supervisor.start();
  let closed = false;
  handler.close = async () => {
    if (closed) return;
    closed = true;
    legacy.close(core.supervisor.draining ? streamLimits.retryMs : undefined);
    core.supervisor.stop();
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
      await legacy.batch(req, res, value);
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
    await legacy.post(req, res, message.message);
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
    const principal = requestPrincipal(req);
    const refusal = core.supervisor.admitRequest(request.method, {
      ip: clientIp(req),
      principal,
      transport: 'http',
    });
    if (refusal) {
      sendRefusal(res, refusal, request.id);
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
      { link, session: undefined, principal, transport: 'http' },
      abort,
      req.headers,
    );
    if (response) responder.finish(response);
    else if (!res.writableEnded) res.end();
  }

  // --- 2025 ---------------------------------------------------------------------------------------

  return handler;
}
