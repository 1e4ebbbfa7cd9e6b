import type { IncomingMessage, ServerResponse } from 'node:http';
import { LimitError, sharedStateUnavailable } from '../../admission/limit-errors.js';
import type { AuthInfo } from '../../core/auth-info.js';
import { LazyAbort } from '../../jsonrpc/lazy-abort.js';
import {
  errorResponse,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  resultResponse,
} from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { isSupportedVersion } from '../../protocol/versions.js';
import type { ServerCore } from '../../server/core.js';
import { serveRequest } from '../../server/request-runner.js';
import type { SessionHost } from '../../server/session-host.js';
import type { ClientAddress } from '../client-address.js';
import { ClusterSessions } from './cluster-sessions.js';
import { DEFAULT_RESUME_WINDOW_MS, MemoryEventStore } from './event-store.js';
import { sendError, sendJson, sendRefusal } from './http-responses.js';
import { HttpSession } from './http-session.js';
import { HTTP_DEFAULTS, type HttpTransportOptions } from './options.js';
import { acceptsEventStream, header, requestAuth, requestPrincipal } from './request-headers.js';
import { runBatch } from './session-batch.js';
import { openGetStream } from './session-get-stream.js';
import { type SessionLinkSettings, SessionRequestLink } from './session-request-link.js';
import type { SseStreamOptions } from './sse-stream.js';

export interface SessionEndpoint {
  /**
   * A 2025 POST: initialize, or a message for a session. Answered through callbacks; `failed` is
   * told of an error inside erlmcp after this returned.
   */
  post(
    req: IncomingMessage,
    res: ServerResponse,
    message: JsonRpcMessage,
    failed: (res: ServerResponse, error: unknown) => void,
  ): void;
  batch(req: IncomingMessage, res: ServerResponse, batch: unknown[]): Promise<void>;
  /** GET: the session's stream, or a resumption after Last-Event-ID. */
  get(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** DELETE: ends the session. */
  delete(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Ends every session; `retryMs` tells open streams to reconnect (elsewhere) after that long. */
  close(retryMs?: number): void;
}

/**
 * The 2025-era half of the Streamable HTTP endpoint: sessions (`Mcp-Session-Id`), their streams and
 * resumption, server→client requests answered by later POSTs, and the idle-session sweeper.
 */
export function createSessionEndpoint(
  core: ServerCore,
  host: SessionHost,
  options: HttpTransportOptions,
  streamLimits: Omit<SseStreamOptions, 'resumable'>,
  clientIp: ClientAddress,
): SessionEndpoint {
  const sessions = new Map<string, HttpSession>();
  const store =
    options.eventStore ??
    new MemoryEventStore({
      ...(options.maxResumableBytesPerSession === undefined
        ? {}
        : { maxBytesPerSession: options.maxResumableBytesPerSession }),
      ...(options.resumeWindowMs === undefined ? {} : { resumeWindowMs: options.resumeWindowMs }),
    });
  const linkSettings: SessionLinkSettings = { mode: options.responseMode ?? 'auto', streamLimits, store };
  const idleMs = options.sessionIdleMs ?? HTTP_DEFAULTS.sessionIdleMs;
  // In a cluster, sessions live in the shared store: this node's copies come and go, and a session
  // ends for good only on DELETE or when no node touched it for the idle timeout (the store's TTL).
  const cluster = core.cluster
    ? new ClusterSessions(
        core.cluster,
        host,
        sessions,
        idleMs,
        (session, reason) => endSession(session, reason, undefined, 'here'),
        store,
      )
    : undefined;
  const retryAfterMs = core.supervisor.limits.retryAfterMs;
  const resumeContext = { core, store, cluster, streamLimits };
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const session of sessions.values())
        if (session.idleFor(now) > idleMs) endSession(session, 'idle timeout', undefined, 'here');
      store.expire?.(now);
    },
    Math.min(idleMs, options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS, 60_000),
  );
  sweeper.unref();

  /**
   * Ends a session: `everywhere` (DELETE) or only this node's copy (`here`; the same on one node).
   * In a cluster, `everywhere` resolves once the store and the other nodes were told.
   */
  function endSession(
    session: HttpSession,
    reason: string,
    retryMs: number | undefined,
    scope: 'everywhere' | 'here',
  ): Promise<void> | undefined {
    if (!sessions.delete(session.id)) return undefined;
    let told: Promise<void> | undefined;
    if (cluster) {
      if (scope === 'everywhere') told = cluster.deleted(session);
      else cluster.forgotten(session.id);
    }
    host.close(session.handle, {
      principal: session.principal,
      ip: undefined,
      transport: 'http',
    });
    session.close(reason, retryMs);
    store.forget(session.id);
    return told;
  }

  function handleSessionMessage(
    req: IncomingMessage,
    res: ServerResponse,
    message: JsonRpcMessage,
    failed: (res: ServerResponse, error: unknown) => void,
  ): void {
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
      initialize(req, res, message as JsonRpcRequest);
      return;
    }
    if (sessionHeader === undefined) {
      sendError(
        res,
        400,
        ErrorCode.InvalidRequest,
        // Either era can be meant here: say what each needs (docs/http.md has the whole 2026 format).
        'Bad Request: a 2026-07-28 request carries an MCP-Protocol-Version: 2026-07-28 header and params._meta ' +
          '(protocolVersion, clientCapabilities, clientInfo); a 2025 request carries the Mcp-Session-Id ' +
          'that initialize returned',
      );
      return;
    }
    const found = findSession(req, res, sessionHeader);
    if (found instanceof Promise) {
      found.then(
        (session) => {
          if (session) sessionMessage(req, res, session, message, failed);
        },
        (error: unknown) => failed(res, error),
      );
    } else if (found) sessionMessage(req, res, found, message, failed);
  }

  /**
   * The session a request names, for the principal that opened it (another one is told it does not
   * exist); in a cluster, one another node opened is rebuilt from the shared store (a promise then).
   * Undefined after answering 404 (or 503 while the store is unreachable).
   */
  function findSession(
    req: IncomingMessage,
    res: ServerResponse,
    sessionId: string,
  ): HttpSession | undefined | Promise<HttpSession | undefined> {
    const principal = requestPrincipal(req);
    const session = sessions.get(sessionId);
    if (session || !cluster) {
      if (session && session.principal === principal) return session;
      sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
      return undefined;
    }
    return cluster.adopt(sessionId, { principal, ip: clientIp(req), transport: 'http' }).then(
      (adopted) => {
        if (adopted instanceof HttpSession) return adopted;
        if (adopted instanceof LimitError) sendRefusal(res, adopted);
        else sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
        return undefined;
      },
      (error: unknown) => {
        core.diagnostic('the shared session store could not be read', error);
        sendRefusal(res, sharedStateUnavailable(retryAfterMs));
        return undefined;
      },
    );
  }

  function sessionMessage(
    req: IncomingMessage,
    res: ServerResponse,
    session: HttpSession,
    message: JsonRpcMessage,
    failed: (res: ServerResponse, error: unknown) => void,
  ): void {
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
      if (!session.outbound.resolve(message)) cluster?.forwardResponse(session, message);
      res.writeHead(202).end();
      return;
    }
    if (!('id' in message)) {
      host.notify(session.record, session.inFlight, message);
      const sharing = cluster ? notifiedInCluster(cluster, session, message) : undefined;
      if (sharing) afterShared(sharing, () => res.writeHead(202).end());
      else res.writeHead(202).end();
      return;
    }
    const request = message as JsonRpcRequest;
    const refusal = refuse(session, req, request);
    if (refusal instanceof LimitError) sendRefusal(res, refusal, request.id);
    else if (refusal) sendJson(res, 200, errorResponse(request.id, refusal.toJson()));
    else runSessionRequest(session, res, request, requestAuth(req), failed);
  }

  /**
   * What a client notification means to the other nodes: a state change (a promise, settled once
   * they know it), or a cancellation for them.
   */
  function notifiedInCluster(
    cluster: ClusterSessions,
    session: HttpSession,
    message: JsonRpcNotification,
  ): Promise<void> | undefined {
    if (message.method === 'notifications/initialized') return cluster.changed(session);
    if (message.method === 'notifications/cancelled') {
      const id = message.params?.requestId;
      const reason =
        typeof message.params?.reason === 'string' ? message.params.reason : 'cancelled by the client';
      if ((typeof id === 'string' || typeof id === 'number') && !session.inFlight.has(id))
        cluster.cancelElsewhere(session, id, reason);
    }
    return undefined;
  }

  /**
   * Answers (`then`) once a session change reached the store and the other nodes: the client's next
   * request may go to any of them. A store that cannot be written is reported, not answered with.
   */
  function afterShared(sharing: Promise<void>, then: () => void): void {
    sharing.then(then, (error: unknown) => {
      core.diagnostic('a session change could not be shared with the other nodes', error);
      then();
    });
  }

  /** Why a 2025 request may not run (a duplicate id, a limit), the same alone or in a batch. */
  function refuse(session: HttpSession, req: IncomingMessage, request: JsonRpcRequest) {
    const peer = { principal: session.principal, ip: clientIp(req), transport: 'http' };
    return host.refuse(request, session.inFlight, peer, session.id);
  }

  function initialize(req: IncomingMessage, res: ServerResponse, request: JsonRpcRequest): void {
    const principal = requestPrincipal(req);
    const late = HttpSession.lateLink();
    const peer = { principal, ip: clientIp(req), transport: 'http' };
    // New sessions need the shared store (existing ones keep working here while it is away).
    if (cluster && !cluster.cluster.available) {
      sendRefusal(res, sharedStateUnavailable(retryAfterMs), request.id);
      return;
    }
    const opened = host.open(request.params ?? {}, peer, late.link, options.sessionIdPrefix);
    if ('refusal' in opened) {
      sendRefusal(res, opened.refusal, request.id);
      return;
    }
    if ('error' in opened) {
      sendJson(res, 200, errorResponse(request.id, opened.error.toJson()));
      return;
    }
    const session = new HttpSession(opened.session, principal, opened.handle, cluster?.nodeId);
    late.bind(session);
    sessions.set(session.id, session);
    const answer = () =>
      sendJson(res, 200, resultResponse(request.id, opened.result), { 'mcp-session-id': session.id });
    if (!cluster) {
      answer();
      return;
    }
    // The id is good on every node only once stored: answered after that, or 503 if it cannot be.
    const created = session;
    cluster.created(created).then(answer, (error: unknown) => {
      core.diagnostic('a new session could not be stored', error);
      endSession(created, 'session store unreachable', undefined, 'here');
      sendRefusal(res, sharedStateUnavailable(retryAfterMs), request.id);
    });
  }

  function runSessionRequest(
    session: HttpSession,
    res: ServerResponse,
    request: JsonRpcRequest,
    auth: AuthInfo | undefined,
    failed: (res: ServerResponse, error: unknown) => void,
  ): void {
    const principal = session.principal;
    const abort = new LazyAbort();
    session.inFlight.set(request.id, abort);
    const link = new SessionRequestLink(session, res, linkSettings);
    const responder = link.responder;
    serveRequest(
      core,
      request,
      { link, session: session.record, principal, auth, transport: 'http' },
      abort,
      (response) => {
        // A change of the session's state (setLevel, subscribe) is answered once every node knows it.
        const sharing = cluster?.ran(session, request.method);
        if (sharing) {
          afterShared(sharing, () => finishRequest(session, res, request, responder, response, failed));
        } else finishRequest(session, res, request, responder, response, failed);
      },
    );
  }

  function finishRequest(
    session: HttpSession,
    res: ServerResponse,
    request: JsonRpcRequest,
    responder: SessionRequestLink['responder'],
    response: JsonRpcResponse | undefined,
    failed: (res: ServerResponse, error: unknown) => void,
  ): void {
    try {
      if (response) responder.finish(response);
      else if (!res.headersSent) res.writeHead(204).end();
    } catch (error) {
      failed(res, error);
    } finally {
      session.inFlight.delete(request.id);
      if (responder.stream) session.streams.delete(responder.stream.id);
      session.touch();
    }
  }

  /**
   * The session a GET or DELETE names, or an answer: 405 without a session id (a 2026 endpoint has
   * neither a GET stream nor sessions to delete), 404 for an unknown one.
   */
  function sessionOf(
    req: IncomingMessage,
    res: ServerResponse,
  ): HttpSession | undefined | Promise<HttpSession | undefined> {
    const sessionHeader = header(req, 'mcp-session-id');
    if (sessionHeader === undefined) {
      res.writeHead(405, { allow: 'POST' }).end();
      return undefined;
    }
    return findSession(req, res, sessionHeader);
  }

  async function handleGet(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!acceptsEventStream(header(req, 'accept') ?? '')) {
      sendError(res, 406, ErrorCode.InvalidRequest, 'Not Acceptable: GET needs Accept: text/event-stream');
      return;
    }
    const session = await sessionOf(req, res);
    if (session) await openGetStream(resumeContext, session, req, res);
  }

  async function handleDelete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await sessionOf(req, res);
    if (!session) return;
    try {
      // Answered once every node knows: the client's next request may reach any of them, and must
      // find the session gone (404) there too.
      await endSession(session, 'session deleted by the client', undefined, 'everywhere');
    } catch (error) {
      core.diagnostic('a deleted session could not be removed from the shared store', error);
      sendRefusal(res, sharedStateUnavailable(retryAfterMs));
      return;
    }
    res.writeHead(200).end();
  }

  return {
    post: handleSessionMessage,
    batch: async (req, res, value) => {
      // Only 2025-03-26 had JSON-RPC batching; later revisions dropped it.
      const sessionId = header(req, 'mcp-session-id');
      const session = sessionId === undefined ? undefined : await findSession(req, res, sessionId);
      if (sessionId !== undefined && !session) return;
      if (session?.record.protocolVersion !== '2025-03-26' || value.length === 0) {
        sendError(
          res,
          400,
          ErrorCode.InvalidRequest,
          'Invalid Request: JSON-RPC batches exist only in 2025-03-26 sessions',
        );
        return;
      }
      await runBatch({ core, host, cluster, refuse }, session, req, res, value);
    },
    get: handleGet,
    delete: handleDelete,
    close(retryMs) {
      clearInterval(sweeper);
      // In a cluster this ends only this node's copies: the sessions go on on the other nodes.
      for (const session of [...sessions.values()]) endSession(session, 'server closing', retryMs, 'here');
    },
  };
}
