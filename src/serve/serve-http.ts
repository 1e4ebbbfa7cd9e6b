import type { RequestListener, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Registry } from 'prom-client';
import type { Supervisor } from '../admission/supervisor.js';
import { isResourceMetadataPath, serveResourceMetadata } from '../auth/resource-server/metadata-route.js';
import { createMetrics, type Metrics } from '../observability/metrics/index.js';
import {
  createObserver,
  type ObserverHandler,
  type ObserverOptions,
  type ObserverSource,
} from '../observability/observer/index.js';
import { joinRedisCluster, type RedisScaleOptions } from '../scale/join-cluster.js';
import type { McpServer } from '../server/mcp-server.js';
import { hostOriginGuard } from '../transports/host-policy.js';
import { createHttpSseHandler } from '../transports/http/http-sse-2024.js';
import { HTTP_DEFAULTS, type HttpTransportOptions } from '../transports/http/options.js';
import { createStreamableHttpHandler, type HttpHandler } from '../transports/http/streamable-http-handler.js';
import { listen } from '../transports/listener.js';
import { createHttpServer } from '../transports/receive-timeouts.js';
import type { TlsOptions } from '../transports/tls/tls-options.js';
import { ADMIN_SCOPE, requireAdmin } from './auth-routes.js';

export interface ServeHttpOptions extends HttpTransportOptions {
  /**
   * The deprecated 2024-11-05 HTTP+SSE endpoints for old clients (GET `ssePath`, POST `messagesPath`).
   * Default `{ ssePath: '/sse', messagesPath: '/messages' }`; `false` turns them off.
   */
  httpSse?: { ssePath: string; messagesPath: string } | false;
  /**
   * Liveness (`live`: 200 while the process serves) and readiness (`ready`: 503 while draining or
   * shedding load, so a balancer sends new clients elsewhere). Default `/healthz` and `/readyz`.
   */
  health?: { live: string; ready: string } | false;
  /**
   * Prometheus metrics at GET `path` (docs/observability.md). Default `{ path: '/metrics' }`: metrics
   * are created for this server (into `registry` if given) and closed with it; pass `metrics` to serve
   * an existing instance instead (its owner closes it). `false`: no endpoint and no metrics at all.
   */
  metrics?: { path: string; registry?: Registry; metrics?: Metrics } | false;
  /**
   * What the metrics endpoint serves instead of this process's own registry: a cluster worker
   * serves the whole cluster's figures, collected by the primary.
   */
  renderMetrics?: () => Promise<string>;
  /** Where the observer page's data comes from (a cluster worker shows the whole cluster's). */
  observerSource?: ObserverSource;
  /**
   * The live observer page (sessions, rates and latency per tool, errors, refusals, supervisor) at
   * `path` (default `/observer`). Off by default: it shows who calls what.
   */
  observer?: ObserverOptions | boolean;
  /**
   * With `auth`: who may read `/metrics` and the observer. Default `{ scopes: ['erlmcp:admin'] }` (a
   * valid token holding them); `'open'` leaves them to the Host/Origin check alone (a scraper on a
   * private network). Without `auth` they are open.
   */
  adminAccess?: 'open' | { scopes: readonly string[] };
  /** Serve https; with `clientCa`, clients must present a certificate (its identity is the principal). */
  tls?: TlsOptions;
  /** Interface to bind. Default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Port; 0 picks a free one. Default 3000. */
  port?: number;
  /**
   * Run as one node of a cluster on Redis (docs/scale.md): 2025 sessions, resumable events, tasks
   * and change notifications are shared, so any node serves any request. Needs `@redis/client`.
   */
  redis?: RedisScaleOptions;
}

export interface HttpServerHandle {
  readonly url: string;
  readonly server: Server | HttpsServer;
  readonly handler: HttpHandler;
  /** The request listener, to serve the same endpoint on another listening socket. */
  readonly requestListener: RequestListener;
  /** The metrics served at the metrics path, if enabled. */
  readonly metrics: Metrics | undefined;
  /** The observer page, when enabled (its URL is `url` with the observer's path). */
  readonly observer: ObserverHandler | undefined;
  /**
   * Graceful drain: stops accepting connections, answers new requests on open ones with 503 and
   * `Connection: close`, lets running requests finish (up to `limits.drainTimeoutMs`), ends streams
   * with a `retry` hint, then closes every socket. Idempotent.
   */
  close(): Promise<void>;
  /** Aborts at once: running requests end with an error, sockets are destroyed. Idempotent. */
  destroy(): Promise<void>;
  /**
   * Re-reads the TLS certificate files (or installs `next`): new connections use them, open ones keep
   * theirs. Throws a TypeError on a server started without TLS.
   */
  reloadTls(next?: TlsOptions): void;
}

/** Serves an McpServer on a plain `node:http` server at `path`. */
export async function serveHttp(mcp: McpServer, options: ServeHttpOptions = {}): Promise<HttpServerHandle> {
  const path = options.path ?? HTTP_DEFAULTS.path;
  const membership = options.redis ? await joinRedisCluster(mcp, options.redis, options) : undefined;
  const handler = createStreamableHttpHandler(
    mcp,
    membership ? { ...options, eventStore: membership.eventStore } : options,
  );
  const httpSsePaths =
    options.httpSse === false
      ? undefined
      : (options.httpSse ?? { ssePath: '/sse', messagesPath: '/messages' });
  const httpSseHandler = httpSsePaths
    ? createHttpSseHandler(mcp, httpSsePaths.messagesPath, options)
    : undefined;
  const observer = options.observer
    ? createObserver(mcp, {
        ...(options.observer === true ? {} : options.observer),
        ...(options.observerSource ? { source: options.observerSource } : {}),
      })
    : undefined;
  const health =
    options.health === false ? undefined : (options.health ?? { live: '/healthz', ready: '/readyz' });
  const metricsPath = options.metrics === false ? undefined : (options.metrics?.path ?? '/metrics');
  const ownMetrics = metricsPath !== undefined && options.metrics !== false && !options.metrics?.metrics;
  const metrics =
    options.metrics === false
      ? undefined
      : (options.metrics?.metrics ??
        createMetrics(mcp, options.metrics?.registry ? { registry: options.metrics.registry } : {}));
  // The endpoint and the 2024-11-05 endpoints check Host/Origin themselves (they also serve outside
  // serveHttp); every other route here but the health probes, which reveal nothing, checks it now.
  const refusedHostOrOrigin = hostOriginGuard(options);
  const auth = options.auth;
  const adminAccess = options.adminAccess ?? { scopes: [ADMIN_SCOPE] };
  const adminScopes = auth && adminAccess !== 'open' ? adminAccess.scopes : undefined;
  const requestListener: RequestListener = (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    if (health && req.method === 'GET' && (pathname === health.live || pathname === health.ready)) {
      // Probes stay open to any Host (balancers send their own), but then tell only the status.
      const detailed = refusedHostOrOrigin(req.headers) === undefined;
      sendHealth(res, mcp.core.supervisor, pathname === health.ready, detailed);
      return;
    }
    if (pathname !== path && pathname !== httpSsePaths?.ssePath && pathname !== httpSsePaths?.messagesPath) {
      // The resource metadata is public and CORS-open: a page on any origin may read it (Host is checked).
      const publicRoute = auth !== undefined && isResourceMetadataPath(auth, pathname);
      const forbidden = refusedHostOrOrigin(publicRoute ? { host: req.headers.host } : req.headers);
      if (forbidden) {
        res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end(forbidden);
        return;
      }
    }
    if (httpSseHandler && httpSsePaths && req.method === 'GET' && pathname === httpSsePaths.ssePath) {
      void httpSseHandler.stream(req, res);
      return;
    }
    if (httpSseHandler && httpSsePaths && req.method === 'POST' && pathname === httpSsePaths.messagesPath) {
      void httpSseHandler.message(req, res);
      return;
    }
    if (auth && pathname !== path && serveResourceMetadata(auth, req, res, pathname)) return;
    if (observer && pathname?.startsWith(observer.path)) {
      if (adminScopes)
        requireAdmin(auth!, adminScopes, req, res, () => observer.handle(req, res) || notFound(res));
      else if (!observer.handle(req, res)) notFound(res);
      return;
    }
    if (metrics && req.method === 'GET' && pathname === metricsPath) {
      if (adminScopes)
        requireAdmin(auth!, adminScopes, req, res, () =>
          sendMetrics(res, metrics, mcp, options.renderMetrics),
        );
      else sendMetrics(res, metrics, mcp, options.renderMetrics);
      return;
    }
    if (pathname !== path) {
      notFound(res);
      return;
    }
    // Never rejects: failures inside are answered with 500 by the handler itself.
    void handler(req, res);
  };
  const tls = options.tls;
  const server = createHttpServer(requestListener, options);
  const listener = await listen(server, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 3000,
    tls,
  });
  const url = `${listener.origin(tls ? 'https' : 'http')}${path}`;
  // A resource left out is the URL served here (known only now, with port 0).
  if (auth && !auth.hasResource) auth.bindResource(url);
  const handle: HttpServerHandle = {
    url,
    server,
    handler,
    requestListener,
    metrics,
    observer,
    close() {
      return listener.close(async () => {
        await mcp.close();
        observer?.close();
        await handler.close();
        await httpSseHandler?.close();
        await membership?.leave();
        if (ownMetrics) metrics?.close();
      });
    },
    destroy() {
      mcp.core.supervisor.destroy();
      return handle.close();
    },
    reloadTls(next) {
      listener.reloadTls(next);
    },
  };
  return handle;
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
}

function sendMetrics(
  res: ServerResponse,
  metrics: Metrics,
  mcp: McpServer,
  render: () => Promise<string> = () => metrics.render(),
): void {
  render().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
    (error: unknown) => {
      mcp.core.diagnostic('metrics scrape failed', error);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable');
    },
  );
}

function sendHealth(
  res: ServerResponse,
  supervisor: Supervisor,
  readiness: boolean,
  detailed: boolean,
): void {
  const refusing = readiness && supervisor.overloaded;
  const status = supervisor.draining ? 'draining' : refusing ? 'overloaded' : 'ok';
  const body = JSON.stringify(
    detailed
      ? {
          status,
          pid: process.pid,
          inFlight: supervisor.inFlight,
          sessions: supervisor.sessions,
          eventLoopDelayMs: Math.round(supervisor.shedder.delayMs),
        }
      : { status },
  );
  res.writeHead(refusing ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}
