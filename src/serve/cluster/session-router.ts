import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { ErrorCode } from '../../protocol/error-codes.js';
import { sendError } from '../../transports/http/http-responses.js';
import { requestPrincipal } from '../../transports/http/request-headers.js';

/**
 * Carries the cluster's secret on a proxied request: it marks the request as proxied once (a stale
 * route can never bounce it around) and vouches for the caller's identity in PRINCIPAL.
 */
export const FORWARDED = 'x-erlmcp-forwarded';
export const PRINCIPAL = 'x-erlmcp-principal';
/** The address of the client's connection to the worker that proxied it (for per-IP limits). */
export const ADDRESS = 'x-erlmcp-address';

/**
 * Sends requests for a 2025 session to the worker that holds it. Session ids start with the owning
 * worker's tag (`<tag>.`); a worker proxies foreign ones to the owner's private port. A session whose
 * worker is gone really is gone, so that (and only that) is answered 404 "Session not found".
 */
export class SessionRouter {
  readonly prefix: string;
  #routes = new Map<string, number>();

  constructor(
    readonly tag: string,
    /** Shared by the cluster's workers (the primary hands it out); never sent to clients. */
    private readonly secret: string,
  ) {
    this.prefix = `${tag}.`;
  }

  setRoutes(routes: Record<string, number>): void {
    this.#routes = new Map(Object.entries(routes));
  }

  /** For `HttpTransportOptions.routeSession`: true when the request was taken over. */
  route = (sessionId: string, req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): boolean => {
    if (sessionId.startsWith(this.prefix) || req.headers[FORWARDED] === this.secret) return false;
    const tag = sessionId.slice(0, sessionId.indexOf('.'));
    const port = this.#routes.get(tag);
    if (port === undefined) {
      sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found (its worker has stopped)');
      return true;
    }
    proxy(req, res, port, parsedBody, this.secret);
    return true;
  };
}

function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  parsedBody: unknown,
  secret: string,
): void {
  // The owner sees the connection of this worker, not the client's: the client's TLS identity
  // travels in a header the owner trusts only with the secret.
  const headers = {
    ...req.headers,
    [FORWARDED]: secret,
    [PRINCIPAL]: requestPrincipal(req) ?? '',
    [ADDRESS]: req.socket?.remoteAddress ?? '',
  };
  const body = parsedBody === undefined ? undefined : Buffer.from(JSON.stringify(parsedBody));
  if (body) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers });
  upstream.once('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.once('error', () => {
    // The owner died between the routing table and now: its sessions died with it.
    if (!res.headersSent)
      sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found (its worker has stopped)');
    else res.destroy();
  });
  // The client going away (not the request body ending: IncomingMessage 'close') ends the upstream.
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  if (body) upstream.end(body);
  else req.pipe(upstream);
}
