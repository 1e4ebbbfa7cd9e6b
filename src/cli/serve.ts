import cluster from 'node:cluster';
import { LIMIT_DEFAULTS } from '../admission/limits.js';
import { type ServeHttpOptions, serveHttp } from '../exports/http.js';
import { runPrimary } from '../serve/cluster/primary.js';
import { reportReady, runWorker } from '../serve/cluster/worker.js';
import { REQUEST_STATE_SECRET_ENV } from '../server/core.js';
import type { McpServer } from '../server/mcp-server.js';
import { StdioServerTransport } from '../transports/stdio/index.js';
import { serveTcp } from '../transports/tcp/serve-tcp.js';
import type { TlsOptions } from '../transports/tls/tls-options.js';
import { serveWebSocket } from '../transports/websocket/serve-websocket.js';
import { ConfigError, type ServeConfig } from './config/load-config.js';
import { loadServer } from './load-server.js';
import { serveAuth } from './serve-auth.js';

interface Served {
  url?: string;
  observerUrl?: string | undefined;
  close(): Promise<void>;
  destroy(): Promise<void>;
  reloadTls?(): void;
}

/**
 * `erlmcp serve`: the McpServer exported by the configured module, on stdio, HTTP, WebSocket or TCP
 * (TLS and mutual TLS on the network ones; a cluster of workers on one port). On stdio, stdout
 * carries only MCP; otherwise the endpoint URL is printed once listening. SIGHUP reloads TLS
 * certificates; the first SIGTERM/SIGINT drains, a second one aborts at once.
 */
export async function serve(
  config: ServeConfig,
  /** What to serve instead of `config.module` (the gateway), and what to close after it. */
  custom?: { load: () => Promise<McpServer>; afterClose: () => Promise<void> },
): Promise<void> {
  if (config.workers > 1 && config.transport === 'stdio') {
    throw new ConfigError('Invalid configuration: workers > 1 needs a network transport (http, ws, tcp)');
  }
  if (config.tls && config.transport === 'stdio') {
    throw new ConfigError('Invalid configuration: tls needs a network transport (http, ws, tcp)');
  }
  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary({
      workers: config.workers,
      drainTimeoutMs: config.limits.drainTimeoutMs ?? LIMIT_DEFAULTS.drainTimeoutMs,
      onListening: (url) => process.stdout.write(`erlmcp: MCP endpoint ${url} (${config.workers} workers)\n`),
    });
    return;
  }
  const server = custom ? await custom.load() : await loadServer(config.module);
  server.setLimits(config.limits);
  const served = await start(server, config);
  if (!cluster.isWorker) {
    if (served.url) process.stdout.write(`erlmcp: MCP endpoint ${served.url}\n`);
    if (served.observerUrl) process.stdout.write(`erlmcp: observer ${served.observerUrl}\n`);
  } else if (served.url && config.transport !== 'http') {
    reportReady(served.url); // HTTP workers report from runWorker, with their routing
  }
  if (config.tls && served.reloadTls) {
    const reload = served.reloadTls.bind(served);
    process.on('SIGHUP', () => {
      try {
        reload();
        process.stderr.write('erlmcp: TLS certificates reloaded\n');
      } catch (error) {
        process.stderr.write(
          `erlmcp: TLS reload failed, keeping the old certificates: ${(error as Error).message}\n`,
        );
      }
    });
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      await served.destroy();
      process.exit(0);
    }
    stopping = true;
    await served.close();
    await custom?.afterClose();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // Started over IPC by a supervisor (erlmcp dev): when it goes, even killed outright, so does this server.
  if (process.send && !cluster.isWorker) process.once('disconnect', () => void stop());
}

async function start(server: McpServer, config: ServeConfig): Promise<Served> {
  const tls = tlsOptions(config);
  const network = { host: config.host, port: config.port, ...(tls ? { tls } : {}) };
  const auth = await serveAuth(config);
  const guarded = auth
    ? {
        auth,
        ...(config.auth?.adminScopes === undefined
          ? {}
          : {
              adminAccess:
                config.auth.adminScopes === 'open' ? ('open' as const) : { scopes: config.auth.adminScopes },
            }),
      }
    : {};
  switch (config.transport) {
    case 'http': {
      const observer = config.observer
        ? typeof config.observer === 'string'
          ? { path: config.observer }
          : true
        : false;
      const { metricsPath, healthPaths, ...http } = config.http;
      // /metrics, /healthz and /readyz are on unless the configuration moves or turns them off.
      const endpoints: Pick<ServeHttpOptions, 'metrics' | 'health'> = {};
      if (metricsPath !== undefined)
        endpoints.metrics = metricsPath === false ? false : { path: metricsPath };
      if (healthPaths !== undefined) endpoints.health = healthPaths;
      const redis = config.redis && {
        url: config.redis.url.includes(',') ? config.redis.url.split(',') : config.redis.url,
        ...(config.redis.cluster === undefined ? {} : { cluster: config.redis.cluster }),
      };
      if (redis && !process.env[REQUEST_STATE_SECRET_ENV] && !server.core.options.requestStateSecret) {
        // Workers of one primary share a key it makes; separate nodes cannot.
        process.stderr.write(
          `erlmcp: --redis without ${REQUEST_STATE_SECRET_ENV}: this node signs 2026 requestState with a key of its own, ` +
            'so an input round retried on another node fails; give every node the same secret (docs/scale.md)\n',
        );
      }
      const listen = (routing: object) =>
        serveHttp(server, {
          ...http,
          ...network,
          ...guarded,
          path: config.path,
          observer,
          ...endpoints,
          ...(redis ? { redis } : {}),
          ...routing,
        });
      // Only HTTP needs routing between workers: a ws/tcp connection is a whole session on one worker.
      // On Redis every worker is a node of its own: any of them serves any session, nothing to route.
      const handle = cluster.isWorker ? await runWorker(listen, !redis) : await listen({});
      const observerUrl = handle.observer ? new URL(handle.observer.path, handle.url).href : undefined;
      return Object.assign(handle, { observerUrl });
    }
    case 'ws':
      return serveWebSocket(server, {
        ...network,
        path: config.path,
        ...sharedHttpOptions(config),
        ...(auth ? { auth } : {}),
      });
    case 'tcp':
      return serveTcp(server, network);
    default: {
      const connection = await server.connect(new StdioServerTransport());
      void connection.closed.then(() => process.exit(0));
      return { close: () => server.close(), destroy: () => server.destroy() };
    }
  }
}

function tlsOptions(config: ServeConfig): TlsOptions | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  return {
    cert: { path: tls.cert },
    key: { path: tls.key },
    ...(tls.clientCa ? { clientCa: { path: tls.clientCa } } : {}),
    ...(tls.requireClientCert === undefined ? {} : { requireClientCert: tls.requireClientCert }),
  };
}

function sharedHttpOptions(config: ServeConfig) {
  return {
    ...(config.http.allowedHosts ? { allowedHosts: config.http.allowedHosts } : {}),
    ...(config.http.allowedOrigins ? { allowedOrigins: config.http.allowedOrigins } : {}),
    ...(config.http.trustedProxies ? { trustedProxies: config.http.trustedProxies } : {}),
    ...(config.http.receiveTimeoutMs === undefined ? {} : { receiveTimeoutMs: config.http.receiveTimeoutMs }),
  };
}
