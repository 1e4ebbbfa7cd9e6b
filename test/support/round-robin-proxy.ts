import {
  type ClientRequest,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer WITHOUT affinity in front of several erlmcp nodes, so a scale-out test proves that
 * any node serves any request. Streams both ways (SSE included); a backend refusing connections
 * (killed) is skipped. node:http only: the proxy must not share code with what it tests.
 */
export interface RoundRobinProxyOptions {
  /**
   * A request carrying `Mcp-Session-Id` goes to another backend than that session's previous
   * request (in arrival order, so concurrent requests too), the initialize that opened it included
   * (when another backend is up). Default true.
   */
  rotateSessions?: boolean;
}

/** One proxied request. `backend` and `status` are filled in when a backend answers (-1 and 0 until then). */
export interface ProxyLogEntry {
  /** Index into the backend list; -1 when none answered (the proxy's own 502). */
  backend: number;
  method: string;
  path: string;
  /** The request's `Mcp-Session-Id`, else the one its response assigned (initialize). */
  sessionId?: string;
  status: number;
  /** Backends that refused the connection before `backend` took the request. */
  refused: number[];
}

export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>`; append the backends' path (`/mcp`). */
  readonly url: string;
  /** Every request in arrival order. */
  readonly log: ProxyLogEntry[];
  /** Replaces the backends (only their origin is used; the path comes from each request). */
  setBackends(urls: string[]): void;
  /** Stops listening and destroys every client and upstream connection. Idempotent. */
  close(): Promise<void>;
}

/** Request bodies kept for a retry on the next backend; a larger body is streamed without retry. */
const RETRY_BUFFER_LIMIT = 4 * 1024 * 1024;
/** Sessions remembered for rotation; the oldest is forgotten past this. */
const SESSION_MEMORY = 10_000;

/** RFC 9110 §7.6.1 connection-specific headers, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && !named.includes(name)) out[name] = value;
  }
  return out;
}

/** Backend indexes to try, starting at `first`; the session's previous backend goes last. */
function attemptOrder(first: number, count: number, avoid: number | undefined): number[] {
  const order: number[] = [];
  for (let step = 0; step < count; step++) order.push((first + step) % count);
  if (avoid === undefined || count < 2) return order;
  return [...order.filter((index) => index !== avoid), avoid];
}

export async function startRoundRobinProxy(
  backendUrls: string[],
  options: RoundRobinProxyOptions = {},
): Promise<RoundRobinProxy> {
  const rotateSessions = options.rotateSessions ?? true;
  let backends = backendUrls.map((url) => new URL(url));
  let next = 0;
  const lastBackend = new Map<string, number>();
  const upstreams = new Set<ClientRequest>();
  const log: ProxyLogEntry[] = [];

  const route = (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers['mcp-session-id'];
    const sessionId = typeof header === 'string' ? header : undefined;
    const entry: ProxyLogEntry = {
      backend: -1,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      refused: [],
    };
    if (sessionId !== undefined) entry.sessionId = sessionId;
    log.push(entry);
    const order = attemptOrder(
      next++ % Math.max(backends.length, 1),
      backends.length,
      rotateSessions && sessionId !== undefined ? lastBackend.get(sessionId) : undefined,
    );
    const targets = order.map((index) => ({ index, url: backends[index]! }));
    const headers = endToEnd(req.headers);
    const forwardedFor = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = [forwardedFor, req.socket.remoteAddress].filter(Boolean).join(', ');

    // The body as read so far, for a retry; `undefined` once too large (or once a backend took it).
    let kept: Buffer[] | undefined = [];
    let keptBytes = 0;
    let bodyEnded = false;
    let current: ClientRequest | undefined;

    const fail = (status: number, message: string) => {
      entry.status = status;
      if (res.destroyed || res.writableEnded) return;
      if (res.headersSent) res.destroy();
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
    };

    const attempt = (position: number) => {
      const target = targets[position];
      if (!target) return fail(502, 'Bad Gateway: no backend accepted the connection\n');
      const upstream = request({
        host: target.url.hostname,
        port: target.url.port,
        method: req.method,
        path: req.url,
        headers,
        agent: false, // a fresh connection each time: a killed backend shows as ECONNREFUSED, not a dead pooled socket
      });
      current = upstream;
      // Remembered when sent, not when answered: a request arriving before this one's answer rotates too.
      if (sessionId !== undefined) remember(sessionId, target.index);
      upstreams.add(upstream);
      upstream.once('close', () => upstreams.delete(upstream));
      upstream.once('socket', (socket) => {
        socket.once('connect', () => {
          kept = undefined; // the backend has the body now; no retry could replay it faithfully
        });
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (current !== upstream) return;
        if (error.code === 'ECONNREFUSED' && kept && !res.headersSent) {
          entry.refused.push(target.index);
          return attempt(position + 1);
        }
        fail(502, `Bad Gateway: ${error.code ?? error.message}\n`);
      });
      upstream.once('response', (upstreamRes) => {
        entry.backend = target.index;
        entry.status = upstreamRes.statusCode ?? 0;
        // A session also counts from the response that opened it (initialize answers with its id).
        const opened = upstreamRes.headers['mcp-session-id'];
        if (entry.sessionId === undefined && typeof opened === 'string') {
          entry.sessionId = opened;
          remember(opened, target.index);
        }
        res.writeHead(
          upstreamRes.statusCode ?? 502,
          upstreamRes.statusMessage,
          endToEnd(upstreamRes.headers),
        );
        res.flushHeaders(); // an SSE stream may send its first event much later
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
        upstreamRes.once('close', () => {
          if (!upstreamRes.complete) res.destroy(); // the backend died mid-response
        });
      });
      for (const chunk of kept ?? []) upstream.write(chunk);
      if (bodyEnded) upstream.end();
      else req.resume();
    };

    req.on('data', (chunk: Buffer) => {
      if (kept) {
        keptBytes += chunk.length;
        if (keptBytes > RETRY_BUFFER_LIMIT) kept = undefined;
        else kept.push(chunk);
      }
      if (current && !current.write(chunk)) {
        req.pause();
        current.once('drain', () => req.resume());
      }
    });
    req.once('end', () => {
      bodyEnded = true;
      current?.end();
    });
    req.on('error', () => current?.destroy());
    // The client went away before the response ended: the backend's work for it ends too.
    res.once('close', () => {
      if (!res.writableFinished) current?.destroy();
    });
    attempt(0);
  };

  const remember = (sessionId: string, index: number) => {
    lastBackend.delete(sessionId);
    lastBackend.set(sessionId, index);
    if (lastBackend.size > SESSION_MEMORY) lastBackend.delete(lastBackend.keys().next().value!);
  };

  const server = createServer(route);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setBackends(urls) {
      backends = urls.map((url) => new URL(url));
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const upstream of upstreams) upstream.destroy();
      });
      return closed;
    },
  };
}
