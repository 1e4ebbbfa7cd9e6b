import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthRefusal } from '../../auth/resource-server/bearer-auth.js';
import type { AuthInfo } from '../../core/auth-info.js';
import { invalidParams, type McpError } from '../../jsonrpc/errors.js';
import { LazyAbort } from '../../jsonrpc/lazy-abort.js';
import {
  classify,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
} from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { PeerLink } from '../../server/exchange.js';
import type { McpServer } from '../../server/mcp-server.js';
import { RequestCancelled, serveRequest } from '../../server/request-runner.js';
import { clientAddressOf } from '../client-address.js';
import { hostOriginGuard } from '../host-policy.js';
import { sendAuthRefusal, sendError, sendNotJson, sendRefusal } from './http-responses.js';
import { lastVerdict } from './last-verdict.js';
import { checkModernHeaders } from './modern-headers.js';
import { HTTP_DEFAULTS, type HttpTransportOptions } from './options.js';
import { receiveJson, sendBodyRefusal } from './read-body.js';
import {
  acceptsBoth,
  header,
  isJsonContentType,
  isModernMessage,
  requestAuth,
  requestPrincipal,
  setRequestAuth,
} from './request-headers.js';
import { RequestResponder, type StreamOpener } from './request-responder.js';
import { unmetScopes } from './scope-gate.js';
import { createSessionEndpoint } from './session-endpoint-2025.js';
import { SseStream, type SseStreamOptions, writeWholeStream } from './sse-stream.js';

export type HttpHandler = ((
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody?: unknown,
) => Promise<void>) & {
  /** Ends every session and stream (with a reconnection hint when draining); idempotent. */
  close(): Promise<void>;
};

/** What the handler returns: requests are served through callbacks, not one promise each. */
const DISPATCHED: Promise<void> = Promise.resolve();

/**
 * The Streamable HTTP endpoint for both eras, on plain `node:http` objects (the fast path):
 * 2026 requests are served statelessly; `initialize` opens a 2025 session (`Mcp-Session-Id`) with its
 * GET stream, DELETE, and `Last-Event-ID` resumption.
 *
 * The returned promise resolves once the request is dispatched, not when it is answered. A failure
 * inside erlmcp is answered with 500 (or ends a started response) and reported to the server's
 * diagnostics; a synchronous tool's request is read, run and answered with no promise at all.
 */
export function createStreamableHttpHandler(
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
  const clientIp = clientAddressOf(options.trustedProxies);
  const sessions2025 = createSessionEndpoint(core, server.sessionHost, options, streamLimits, clientIp);
  const refusedHostOrOrigin = hostOriginGuard(options);
  const auth = options.auth;
  const acceptable = lastVerdict((accept: string | undefined) => acceptsBoth(accept ?? ''));
  const jsonContent = lastVerdict(isJsonContentType);

  const handler = ((req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => {
    try {
      route(req, res, parsedBody);
    } catch (error) {
      failed(res, error);
    }
    return DISPATCHED;
  }) as HttpHandler;

  core.supervisor.start();
  let closed = false;
  handler.close = async () => {
    if (closed) return;
    closed = true;
    sessions2025.close(core.supervisor.draining ? streamLimits.retryMs : undefined);
    core.supervisor.stop();
  };

  function failed(res: ServerResponse, error: unknown): void {
    core.diagnostic('HTTP request failed', error);
    if (!res.headersSent) res.writeHead(500).end();
    else res.end();
  }

  /** Follows a request that continues asynchronously, so its failure is answered too. */
  function follow(res: ServerResponse, pending: Promise<void> | void): void {
    if (pending) pending.catch((error: unknown) => failed(res, error));
  }

  function route(req: IncomingMessage, res: ServerResponse, parsedBody: unknown): void {
    const forbidden = refusedHostOrOrigin(req.headers);
    if (forbidden) {
      sendError(res, 403, ErrorCode.InvalidRequest, forbidden);
      return;
    }
    if (!auth) {
      dispatch(req, res, parsedBody);
      return;
    }
    const outcome = auth.authenticate(req.headers.authorization, req.url, req.socket);
    if (outcome instanceof Promise) {
      outcome.then(
        (settled) => admit(req, res, parsedBody, settled),
        (error: unknown) => failed(res, error),
      );
    } else {
      admit(req, res, parsedBody, outcome);
    }
  }

  function admit(
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
    outcome: AuthInfo | AuthRefusal,
  ) {
    if (outcome instanceof AuthRefusal) {
      sendAuthRefusal(res, outcome);
      return;
    }
    setRequestAuth(req, outcome);
    dispatch(req, res, parsedBody);
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, parsedBody: unknown): void {
    const sessionId = options.routeSession && header(req, 'mcp-session-id');
    if (sessionId && options.routeSession?.(sessionId, req, res, parsedBody)) return;
    switch (req.method) {
      case 'POST':
        handlePost(req, res, parsedBody);
        return;
      case 'GET':
        follow(res, sessions2025.get(req, res));
        return;
      case 'DELETE':
        follow(res, sessions2025.delete(req, res));
        return;
      default:
        res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    }
  }

  function handlePost(req: IncomingMessage, res: ServerResponse, parsedBody: unknown): void {
    if (!acceptable(req.headers.accept)) {
      sendError(
        res,
        406,
        ErrorCode.InvalidRequest,
        'Not Acceptable: Accept must list application/json and text/event-stream',
      );
      return;
    }
    if (parsedBody !== undefined) {
      handleMessage(req, res, parsedBody);
      return;
    }
    if (!jsonContent(req.headers['content-type'])) {
      sendNotJson(res);
      return;
    }
    receiveJson(req, maxBodyBytes, (refusal, value) => {
      if (refusal) {
        sendBodyRefusal(res, refusal);
        return;
      }
      try {
        handleMessage(req, res, value);
      } catch (failure) {
        failed(res, failure);
      }
    });
  }

  function handleMessage(req: IncomingMessage, res: ServerResponse, value: unknown): void {
    if (Array.isArray(value)) {
      if (auth && refusedInBatch(req, res, value)) return;
      follow(res, sessions2025.batch(req, res, value));
      return;
    }
    const message = classify(value);
    if (message.kind === 'invalid') {
      sendError(res, 400, ErrorCode.InvalidRequest, `Invalid Request: ${message.reason}`, message.id);
      return;
    }
    if (auth && 'id' in message.message && 'method' in message.message) {
      const request = message.message as JsonRpcRequest;
      const needed = unmetScopes(auth, core, requestAuth(req)!, request);
      if (needed) {
        sendAuthRefusal(res, auth.insufficientScope(needed), request.id);
        return;
      }
    }
    if (isModernMessage(req, message.message)) handleModern(req, res, message.message);
    else sessions2025.post(req, res, message.message, failed);
  }

  /** A batch runs only if its token may run every request in it (one 403 naming all their scopes). */
  function refusedInBatch(req: IncomingMessage, res: ServerResponse, batch: unknown[]): boolean {
    const info = requestAuth(req)!;
    const needed = new Set<string>();
    for (const item of batch) {
      const message = classify(item);
      if (message.kind === 'invalid' || !('id' in message.message && 'method' in message.message)) continue;
      for (const scope of unmetScopes(auth!, core, info, message.message as JsonRpcRequest) ?? [])
        needed.add(scope);
    }
    if (needed.size === 0) return false;
    sendAuthRefusal(res, auth!.insufficientScope([...needed]));
    return true;
  }

  // --- 2026 ---------------------------------------------------------------------------------------

  function handleModern(req: IncomingMessage, res: ServerResponse, message: JsonRpcMessage): void {
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
    const credentials = auth ? requestAuth(req) : undefined;
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
    const link = new ModernLink(res, streamLimits);
    const responder = link.responder;
    let answered = false;
    serveRequest(
      core,
      request,
      { link, session: undefined, principal, auth: credentials, transport: 'http' },
      abort,
      (response) => {
        answered = true;
        try {
          if (response) responder.finish(response);
          else if (!res.writableEnded) res.end();
        } catch (error) {
          failed(res, error);
        }
      },
      req.headers,
    );
    // Closing the stream (or the connection) before the answer cancels the request.
    if (!answered) {
      res.once('close', () => {
        if (!responder.done) abort.abort(new RequestCancelled('client closed the stream'));
      });
    }
  }

  return handler;
}

/**
 * A 2026 request's way back: its notifications share the response (an SSE stream opened by the
 * first one); it sends no requests (input is asked for with InputRequiredResult).
 */
class ModernLink implements PeerLink, StreamOpener {
  readonly responder: RequestResponder;

  constructor(
    res: ServerResponse,
    private readonly streamLimits: SseStreamOptions,
  ) {
    this.responder = new RequestResponder(res, 'auto', this, undefined, true);
  }

  openStream(): SseStream {
    return new SseStream(randomUUID(), this.streamLimits);
  }

  writeWhole(res: ServerResponse, headers: Readonly<Record<string, string>>, message: JsonRpcMessage): void {
    writeWholeStream(res, headers, randomUUID(), this.streamLimits.retryMs, undefined, message);
  }

  notify(notification: JsonRpcNotification): void {
    this.responder.send(notification);
  }

  request(): Promise<never> {
    return Promise.reject(invalidParams('2026 requests ask for input with InputRequiredResult'));
  }
}
