import cluster from 'node:cluster';
import { runPrimary } from '../runtime/cluster/primary.js';
import { runWorker } from '../runtime/cluster/worker.js';
import { LIMIT_DEFAULTS } from '../runtime/limits.js';
import { serveHttp } from '../transports/http/index.js';
import { StdioServerTransport } from '../transports/stdio/index.js';
import { ConfigError, type ServeConfig } from './config/load-config.js';
import { loadServer } from './load-server.js';

/**
 * `erlmcp serve`: the McpServer exported by the configured module, on stdio or HTTP (optionally as
 * a cluster of workers on one port). On stdio, stdout carries only MCP; on HTTP the endpoint URL is
 * printed once listening. The first SIGTERM/SIGINT drains (in-flight requests finish, streams get
 * a retry hint); a second one aborts at once.
 */
export async function serve(config: ServeConfig): Promise<void> {
  if (config.workers > 1 && config.transport !== 'http') {
    throw new ConfigError('Invalid configuration: workers > 1 needs the http transport');
  }
  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary({
      workers: config.workers,
      drainTimeoutMs: config.limits.drainTimeoutMs ?? LIMIT_DEFAULTS.drainTimeoutMs,
      onListening: (url) => process.stdout.write(`erlmcp: MCP endpoint ${url} (${config.workers} workers)\n`),
    });
    return;
  }
  const server = await loadServer(config.module);
  server.setLimits(config.limits);
  let close: () => Promise<void>;
  let destroy: () => Promise<void>;
  if (config.transport === 'http') {
    const start = (routing: object) =>
      serveHttp(server, {
        ...config.http,
        host: config.host,
        port: config.port,
        path: config.path,
        ...routing,
      });
    const handle = cluster.isWorker ? await runWorker(start) : await start({});
    if (!cluster.isWorker) process.stdout.write(`erlmcp: MCP endpoint ${handle.url}\n`);
    close = () => handle.close();
    destroy = () => handle.destroy();
  } else {
    const connection = await server.connect(new StdioServerTransport());
    close = () => server.close();
    destroy = () => server.destroy();
    void connection.closed.then(() => stop());
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      await destroy();
      process.exit(0);
    }
    stopping = true;
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
