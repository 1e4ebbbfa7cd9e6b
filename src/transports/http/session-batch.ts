import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LimitError } from '../../admission/limit-errors.js';
import { invalidParams, type McpError } from '../../jsonrpc/errors.js';
import { LazyAbort } from '../../jsonrpc/lazy-abort.js';
import { classify, errorResponse, type JsonRpcMessage, type JsonRpcRequest } from '../../jsonrpc/message.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ServerCore } from '../../server/core.js';
import type { PeerLink } from '../../server/exchange.js';
import { runRequest } from '../../server/request-runner.js';
import type { SessionHost } from '../../server/session-host.js';
import type { ClusterSessions } from './cluster-sessions.js';
import { sendJson } from './http-responses.js';
import type { HttpSession } from './http-session.js';
import { requestAuth } from './request-headers.js';

/** What a batch needs of the session endpoint that received it. */
export interface BatchContext {
  core: ServerCore;
  host: SessionHost;
  cluster: ClusterSessions | undefined;
  /** Why a member may not run (a duplicate id, a limit), as for a request POSTed alone. */
  refuse(
    session: HttpSession,
    req: IncomingMessage,
    request: JsonRpcRequest,
  ): McpError | LimitError | undefined;
}

/** A 2025-03-26 batch: each member handled as if POSTed alone; the responses return as one JSON array. */
export async function runBatch(
  context: BatchContext,
  session: HttpSession,
  req: IncomingMessage,
  res: ServerResponse,
  batch: unknown[],
): Promise<void> {
  const { core, host, cluster, refuse } = context;
  const principal = session.principal;
  const auth = requestAuth(req);
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
  const ran: string[] = [];
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
    else if (message.kind === 'notification') host.notify(session.record, session.inFlight, message.message);
    else {
      const request = message.message;
      // A duplicate of a request still running (in this batch or before it) is refused alone.
      const refusal = refuse(session, req, request);
      if (refusal) {
        pending.push(Promise.resolve(errorResponse(request.id, refusal.toJson())));
        continue;
      }
      const abort = new LazyAbort();
      session.inFlight.set(request.id, abort);
      ran.push(request.method);
      pending.push(
        runRequest(
          core,
          request,
          { link, session: session.record, principal, auth, transport: 'http' },
          abort,
        ).finally(() => session.inFlight.delete(request.id)),
      );
    }
  }
  const responses = (await Promise.all(pending)).filter((response) => response !== undefined);
  if (cluster) {
    // As for a request POSTed alone: state the batch changed is shared before the answer.
    await Promise.all(ran.map((method) => cluster.ran(session, method))).catch((error: unknown) =>
      core.diagnostic('a session change could not be shared with the other nodes', error),
    );
  }
  if (responses.length === 0) res.writeHead(202).end();
  else sendJson(res, 200, responses);
}
